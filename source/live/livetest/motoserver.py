"""Runs moto's server for ecrguard's live-collection tests.

Usage: python3 motoserver.py -H 127.0.0.1 -p PORT   (moto.server's arguments)

The tests attach AWS managed policies only in moto's default account
(123456789012). With MOTO_IAM_LOAD_MANAGED_POLICIES=true moto 5 copies its
~1,500 AWS managed policies into every account it creates (about 0.6 s of
the server's single interpreter per account), and GetAccountAuthorizationDetails
then answers the default account with 5 MB of XML (about 0.75 s for each
collection). This launcher loads into the default account alone, on start,
the AWS managed policies of ECR and four general ones (KEPT): the tests
attach some and the collector must leave the others out, as it leaves out
the unattached ones of a real account. It then runs moto.server unchanged.
With another moto version lacking the hook it loads them all everywhere, as
plain MOTO_IAM_LOAD_MANAGED_POLICIES=true does.
"""

import json
import os
import sys

os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"

from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.iam import models as iam  # noqa: E402
from moto.server import main  # noqa: E402

GENERAL = {"AdministratorAccess", "IAMFullAccess", "PowerUserAccess", "ReadOnlyAccess"}


def kept(name):
    """Whether the AWS managed policy called name is loaded."""
    return name in GENERAL or "ContainerRegistry" in name or "ECR" in name


_load = getattr(iam.IAMBackend, "_init_aws_policies", None)
if _load is not None:
    _kept_data = None

    def _default_account_only(self):
        if self.account_id != DEFAULT_ACCOUNT_ID:
            return []
        # moto builds an IAM backend per partition, each of which would
        # parse all ~1,500 policies again: parse once, keep what is kept.
        global _kept_data
        if _kept_data is None:
            try:
                from moto.iam.aws_managed_policies import aws_managed_policies_data

                parsed = json.loads(aws_managed_policies_data)
                _kept_data = {n: d for n, d in parsed.items() if kept(n)}
            except (ImportError, ValueError):
                _kept_data = False
        if _kept_data is False or not hasattr(iam, "AWSManagedPolicy"):
            return [p for p in _load(self) if kept(p.name)]
        return [
            iam.AWSManagedPolicy.from_data(n, self.account_id, self.region_name, d)
            for n, d in _kept_data.items()
        ]

    iam.IAMBackend._init_aws_policies = _default_account_only

main(sys.argv[1:])
