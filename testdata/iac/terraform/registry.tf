data "aws_iam_policy_document" "registry" {
  statement {
    sid     = "ReplicateToPartner"
    actions = ["ecr:ReplicateImage", "ecr:CreateRepository"]
    resources = [
      "arn:aws:ecr:${var.region}:${local.account}:repository/*",
    ]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::999988887777:root"]
    }
  }
}

resource "aws_ecr_registry_policy" "this" {
  policy = data.aws_iam_policy_document.registry.json
}

resource "aws_ecr_replication_configuration" "this" {
  replication_configuration {
    rule {
      destination {
        region      = "us-west-2"
        registry_id = "999988887777"
      }
    }
  }
}
