{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "CodeBuildPull",
      "Effect": "Allow",
      "Principal": {"Service": "${service}"},
      "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    }
  ]
}
