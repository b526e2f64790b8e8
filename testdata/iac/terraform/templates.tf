# The repository creation template of the repositories pull through cache
# creates under cache/: file(), and a policy public for pull.
resource "aws_ecr_repository_creation_template" "cache" {
  prefix            = "cache"
  description       = "Repositories pull through cache creates under cache/"
  applied_for       = ["PULL_THROUGH_CACHE"]
  repository_policy = file("${path.module}/policies/cache-template.json")
}
