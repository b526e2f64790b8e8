# jsonencode, linked by reference.
resource "aws_ecr_repository_policy" "public_app" {
  repository = aws_ecr_repository.public_app.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PublicPull"
        Effect    = "Allow"
        Principal = "*"
        Action    = concat(local.pull, ["ecr:BatchCheckLayerAvailability"])
      },
    ]
  })
}

# aws_iam_policy_document, a wildcard principal behind a useless condition.
data "aws_iam_policy_document" "secure_transport" {
  statement {
    sid     = "AnyoneOverTLS"
    actions = local.pull
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["true"]
    }
  }
}

resource "aws_ecr_repository_policy" "secure_transport" {
  repository = aws_ecr_repository.secure_transport.name
  policy     = data.aws_iam_policy_document.secure_transport.json
}

# A heredoc, linked by literal name.
resource "aws_ecr_repository_policy" "partner" {
  repository = "partner"
  policy     = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "PartnerPull",
          "Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
          "Action": [
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchCheckLayerAvailability"
          ]
        }
      ]
    }
  POLICY
}

# file(), relative to the module.
resource "aws_ecr_repository_policy" "policy_admin" {
  repository = aws_ecr_repository.policy_admin.name
  policy     = file("${path.module}/policies/policy-admin.json")
}

# templatefile().
resource "aws_ecr_repository_policy" "service" {
  repository = aws_ecr_repository.service.id
  policy = templatefile("${path.module}/policies/service.json.tpl", {
    service = "codebuild.amazonaws.com"
  })
}

# An invalid policy: a typo and Allow with NotPrincipal.
data "aws_iam_policy_document" "invalid" {
  statement {
    sid     = "Typo"
    actions = ["ecr:BatchGetImages"]
    principals {
      type        = "AWS"
      identifiers = [local.root]
    }
  }
  statement {
    sid     = "AllowNotPrincipal"
    actions = ["ecr:BatchGetImage"]
    not_principals {
      type        = "AWS"
      identifiers = [local.root]
    }
  }
}

resource "aws_ecr_repository_policy" "invalid" {
  repository = aws_ecr_repository.invalid.name
  policy     = data.aws_iam_policy_document.invalid.json
}

# A Deny with NotPrincipal, merged from a source document.
data "aws_iam_policy_document" "account_use" {
  statement {
    sid       = "AccountUse"
    actions   = ["ecr:*"]
    principals {
      type        = "AWS"
      identifiers = [local.root]
    }
  }
}

data "aws_iam_policy_document" "not_principal" {
  source_policy_documents = [data.aws_iam_policy_document.account_use.json]
  statement {
    sid     = "OnlyAdminDeletes"
    effect  = "Deny"
    actions = ["ecr:DeleteRepository", "ecr:BatchDeleteImage"]
    not_principals {
      type = "AWS"
      identifiers = [
        local.root,
        "arn:aws:iam::${local.account}:role/ecr-admin",
      ]
    }
  }
}

resource "aws_ecr_repository_policy" "not_principal" {
  repository = aws_ecr_repository.not_principal.name
  policy     = data.aws_iam_policy_document.not_principal.json
}

# A principal not known until apply.
data "aws_iam_policy_document" "unknown_principal" {
  statement {
    sid     = "PartnerPull"
    actions = local.pull
    principals {
      type        = "AWS"
      identifiers = [var.partner_arn]
    }
  }
}

resource "aws_ecr_repository_policy" "unknown_principal" {
  repository = aws_ecr_repository.unknown_principal.name
  policy     = data.aws_iam_policy_document.unknown_principal.json
}
