"""Runs moto's server for ecrguard's live-collection tests.

Usage: python3 motoserver.py -H 127.0.0.1 -p PORT   (moto.server's arguments)

The tests attach AWS managed policies only in moto's default account
(123456789012), but with MOTO_IAM_LOAD_MANAGED_POLICIES=true moto 5 copies
its ~1,300 AWS managed policies into every account it creates, about 0.6 s
of the server's single interpreter per account. The organization tests
create member accounts and would wait for that. This launcher loads the
managed policies into the default account alone, on start, and then runs
moto.server unchanged. With another moto version lacking the hook it loads
them everywhere, as plain MOTO_IAM_LOAD_MANAGED_POLICIES=true does.
"""

import os
import sys

os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"

from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.iam import models as iam  # noqa: E402
from moto.server import main  # noqa: E402

_load = getattr(iam.IAMBackend, "_init_aws_policies", None)
if _load is not None:

    def _default_account_only(self):
        if self.account_id != DEFAULT_ACCOUNT_ID:
            return []
        return _load(self)

    iam.IAMBackend._init_aws_policies = _default_account_only

main(sys.argv[1:])
