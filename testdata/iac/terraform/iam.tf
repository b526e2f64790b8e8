resource "aws_iam_role" "ci_admin" {
  name = "ci-admin"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "codebuild.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  inline_policy {
    name = "everything-ecr"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid      = "EverythingEcr"
        Effect   = "Allow"
        Action   = "ecr:*"
        Resource = "*"
      }]
    })
  }
}

resource "aws_iam_role" "cleanup" {
  name = "cleanup"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

data "aws_iam_policy_document" "cleanup" {
  statement {
    sid       = "DeleteWithoutMfa"
    actions   = ["ecr:DeleteRepository", "ecr:BatchDeleteImage"]
    resources = ["arn:aws:ecr:${var.region}:${local.account}:repository/*"]
  }
}

resource "aws_iam_policy" "cleanup" {
  name   = "cleanup"
  policy = data.aws_iam_policy_document.cleanup.json
}

resource "aws_iam_role_policy_attachment" "cleanup" {
  role       = aws_iam_role.cleanup.name
  policy_arn = aws_iam_policy.cleanup.arn
}
