# The policies of testdata/iac/raw, written the ways Terraform users write
# them. Line numbers are asserted by module_test.go: edit with care.

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "us-east-1"
}

# No default, no -var, no .tfvars: not known until apply.
variable "partner_arn" {
  type = string
}

locals {
  account = data.aws_caller_identity.current.account_id
  root    = "arn:aws:iam::${local.account}:root"
  pull = [
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
  ]
}

data "aws_caller_identity" "current" {}
