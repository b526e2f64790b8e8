# An ECR Public repository (ECR Public's API is in us-east-1, the region of
# this module) whose policy lets the partner account push: jsonencode,
# linked by reference.
resource "aws_ecrpublic_repository" "tools" {
  repository_name = "tools"
}

resource "aws_ecrpublic_repository_policy" "tools" {
  repository_name = aws_ecrpublic_repository.tools.repository_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PartnerPush"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::999988887777:root" }
        Action = [
          "ecr-public:BatchCheckLayerAvailability",
          "ecr-public:InitiateLayerUpload",
          "ecr-public:UploadLayerPart",
          "ecr-public:CompleteLayerUpload",
          "ecr-public:PutImage",
        ]
      },
    ]
  })
}
