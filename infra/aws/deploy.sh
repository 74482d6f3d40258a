#!/usr/bin/env bash
# make deploy / make destroy / make deploy-plan: the real AWS CLI flow.
#   infra/aws/deploy.sh deploy  STAGE [ALERT_EMAIL]
#   infra/aws/deploy.sh destroy STAGE
#   DRY_RUN=1 infra/aws/deploy.sh deploy STAGE   prints the AWS commands instead of running them
#   EFIRMA_CA_BUNDLE=sat.pem EFIRMA_OCSP_URL=https://... infra/aws/deploy.sh deploy STAGE   accepts e.firma
#   REGISTRY_ENDPOINTS='{...}' REGISTRY_KEYS='{...}' infra/aws/deploy.sh deploy STAGE   sets the registries asked
#     (both or neither; without them the stack keeps the registries it had, none at first)
#   CONNECT_INSTANCE_ARN=arn:aws:connect:... infra/aws/deploy.sh deploy STAGE   puts the status line's contact
#     flow into that Amazon Connect instance (docs/telephone.md); without it, no flow
# Needs: the AWS CLI v2 with credentials for the target account and region (AWS_PROFILE /
# AWS_REGION as usual), and the project's .venv (make creates it).
set -euo pipefail
cd "$(dirname "$0")/../.."
action=${1:?usage: infra/aws/deploy.sh deploy|destroy STAGE [ALERT_EMAIL]}
stage=${2:?STAGE is required (e.g. prod)}
alert_email=${3:-}
python=.venv/bin/python
out=build/$stage
stack=ventanilla-$stage

run() { echo "+ $*" >&2; if [ -z "${DRY_RUN:-}" ]; then "$@"; fi; }
efirma=()  # both or neither; infra/aws/template.py checks them
if [ -n "${EFIRMA_CA_BUNDLE:-}" ]; then efirma+=(--efirma-ca-bundle "$EFIRMA_CA_BUNDLE"); fi
if [ -n "${EFIRMA_OCSP_URL:-}" ]; then efirma+=(--efirma-ocsp-url "$EFIRMA_OCSP_URL"); fi
registries=()
if [ -n "${REGISTRY_ENDPOINTS:-}${REGISTRY_KEYS:-}" ] && [ "$action" = deploy ]; then
  $python -m infra.aws.deploy registries --stage "$stage"  # refuses a mistake before anything is built
  registries+=("RegistryEndpoints=$REGISTRY_ENDPOINTS" "RegistryKeys=$REGISTRY_KEYS")
fi
if [ -n "${CONNECT_INSTANCE_ARN:-}" ]; then registries+=("ConnectInstanceArn=$CONNECT_INSTANCE_ARN"); fi
output() { aws cloudformation describe-stacks --stack-name "$stack" --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text; }

if [ "$action" = deploy ]; then
  if [ -n "${DRY_RUN:-}" ]; then
    $python -m infra.aws.template --stage "$stage" --out "$out" --offline ${efirma[@]+"${efirma[@]}"}
    .venv/bin/cfn-lint "$out/sam.json"
    account='<account>'
  else
    $python -m infra.aws.template --stage "$stage" --out "$out" ${efirma[@]+"${efirma[@]}"}  # pip downloads Lambda-platform wheels
    account=$(aws sts get-caller-identity --query Account --output text)
  fi
  artefacts="ventanilla-$stage-artefacts-$account"
  if [ -n "${DRY_RUN:-}" ] || ! aws s3api head-bucket --bucket "$artefacts" 2>/dev/null; then
    run aws s3 mb "s3://$artefacts"
  fi
  run aws cloudformation package --template-file "$out/sam.json" --s3-bucket "$artefacts" --output-template-file "$out/packaged.json" --use-json
  run aws cloudformation deploy --template-file "$out/packaged.json" --stack-name "$stack" \
    --capabilities CAPABILITY_NAMED_IAM CAPABILITY_AUTO_EXPAND --no-fail-on-empty-changeset \
    --parameter-overrides "AlertEmail=$alert_email" ${registries[@]+"${registries[@]}"}
  if [ -n "${DRY_RUN:-}" ]; then
    echo "+ $python -m infra.aws.deploy config --stage $stage > $out/config.json" >&2
    echo "+ aws s3 sync web/ s3://<WebBucket>/ --delete --exclude config.json" >&2
    echo "+ aws s3 cp $out/config.json s3://<WebBucket>/config.json --cache-control no-store" >&2
    echo "+ aws cloudfront create-invalidation --distribution-id <DistributionId> --paths '/*'" >&2
    echo "+ $python -m infra.aws.deploy seed --stage $stage" >&2
    exit 0
  fi
  web_bucket=$(output WebBucket)
  $python -m infra.aws.deploy config --stage "$stage" > "$out/config.json"
  run aws s3 sync web/ "s3://$web_bucket/" --delete --exclude config.json
  run aws s3 cp "$out/config.json" "s3://$web_bucket/config.json" --cache-control no-store --content-type application/json
  run aws cloudfront create-invalidation --distribution-id "$(output DistributionId)" --paths '/*'
  $python -m infra.aws.deploy seed --stage "$stage"
  echo "Ventanilla $stage is at $(output PublicUrl)"
elif [ "$action" = destroy ]; then
  if [ -z "${DRY_RUN:-}" ]; then web_bucket=$(output WebBucket); else web_bucket='<WebBucket>'; fi
  run aws s3 rm "s3://$web_bucket/" --recursive
  run aws cloudformation delete-stack --stack-name "$stack"
  run aws cloudformation wait stack-delete-complete --stack-name "$stack"
  echo "Kept (DeletionPolicy Retain, they hold citizens' records): the table ventanilla-$stage, the documents bucket, the KMS keys, the user pool. README: Deploy to AWS > Destroy." >&2
else
  echo "unknown action $action" >&2
  exit 2
fi
