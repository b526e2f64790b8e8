# A resource control policy attached to the account (as the organization's
# management account would attach it): partner is for the account's own
# principals, whatever its repository policy says. aws_iam_policy_document,
# with the Principal "*" an RCP must name.
data "aws_iam_policy_document" "perimeter" {
  statement {
    sid       = "PartnerOwnAccountOnly"
    effect    = "Deny"
    actions   = ["ecr:*"]
    resources = ["arn:aws:ecr:${var.region}:${local.account}:repository/partner"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "StringNotEquals"
      variable = "aws:PrincipalAccount"
      values   = [local.account]
    }
  }
}

resource "aws_organizations_policy" "perimeter" {
  name    = "ecr-perimeter"
  type    = "RESOURCE_CONTROL_POLICY"
  content = data.aws_iam_policy_document.perimeter.json
}

resource "aws_organizations_policy_attachment" "account" {
  policy_id = aws_organizations_policy.perimeter.id
  target_id = local.account
}
