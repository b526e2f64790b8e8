resource "aws_ecr_repository" "public_app" {
  name = "public-app"
}

resource "aws_ecr_repository" "secure_transport" {
  name = "secure-transport"
  tags = {
    team = "platform"
  }
}

resource "aws_ecr_repository" "partner" {
  name                 = "partner"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_ecr_repository" "policy_admin" {
  name = "policy-admin"
}

resource "aws_ecr_repository" "service" {
  name = "service"
}

resource "aws_ecr_repository" "invalid" {
  name = "invalid"
}

resource "aws_ecr_repository" "not_principal" {
  name = "not-principal"
}

resource "aws_ecr_repository" "unknown_principal" {
  name = "unknown-principal"
}

resource "aws_ecr_repository" "no_policy" {
  name = "no-policy"
}
