"""Documents of the AWS managed policies people and workloads are given (admin, power user,
read-only, service full-access...), written to resemble the real ones without copying them.

Action lists are one whitespace-separated string each (see ``words``): compact and readable.
"""

from __future__ import annotations

from collections.abc import Callable

from awsgen_common import Json, allow, document, words

READ_SERVICES = words(
    "access-analyzer acm apigateway application-autoscaling appsync athena autoscaling backup "
    "batch cloudformation cloudfront cloudtrail cloudwatch codebuild codecommit codedeploy "
    "codepipeline cognito-identity cognito-idp config dax directconnect dms ds dynamodb ec2 ecr "
    "ecs eks elasticache elasticbeanstalk elasticfilesystem elasticloadbalancing "
    "elasticmapreduce es events firehose fsx glacier glue guardduty iam inspector2 iot kafka "
    "kinesis kms lakeformation lambda logs organizations rds redshift resource-groups route53 "
    "route53resolver s3 sagemaker secretsmanager securityhub ses shield sns sqs ssm sso states "
    "storagegateway support tag transfer waf wafv2 xray"
)


# Services whose Get* would read data or secrets: read-only policies list and describe them only.
_NO_GET = frozenset({"secretsmanager", "kms", "ssm"})


def read_only_actions(services: list[str], verbs: tuple[str, ...]) -> list[str]:
    actions = [
        f"{service}:{verb}*"
        for service in services
        for verb in verbs
        if not (verb == "Get" and service in _NO_GET)
    ]
    return [*actions, "sts:GetCallerIdentity", "secretsmanager:DescribeSecret"]


def slr(*service_names: str, operator: str = "StringEquals") -> Json:
    """Condition limiting iam:CreateServiceLinkedRole to the named services."""
    return {operator: {"iam:AWSServiceName": list(service_names)}}


def passed_to(*services: str, operator: str = "StringEquals") -> Json:
    values: str | list[str] = services[0] if len(services) == 1 else list(services)
    return {operator: {"iam:PassedToService": values}}


def _administrator() -> Json:
    return document(allow(["*"]))


def _power_user() -> Json:
    return document(
        allow(words("iam:* organizations:* account:*"), not_action=True),
        allow(
            words(
                "account:GetAccountInformation account:GetPrimaryEmail account:ListRegions "
                "iam:CreateServiceLinkedRole iam:DeleteServiceLinkedRole iam:ListRoles "
                "organizations:DescribeOrganization"
            )
        ),
    )


def _read_only() -> Json:
    verbs = ("BatchGet", "Describe", "Get", "List")
    return document(allow(read_only_actions(READ_SERVICES, verbs)))


def _view_only() -> Json:
    return document(allow(read_only_actions(READ_SERVICES, ("Describe", "List"))))


def _security_audit() -> Json:
    audit = [s for s in READ_SERVICES if s not in ("dynamodb", "sqs", "kinesis", "s3")]
    extra = words(
        "iam:GenerateCredentialReport iam:GetAccountAuthorizationDetails iam:GetCredentialReport "
        "iam:GetPolicyVersion iam:GetRole iam:GetRolePolicy iam:GetUserPolicy "
        "iam:SimulatePrincipalPolicy s3:GetBucketPolicy s3:GetBucketAcl "
        "s3:GetBucketPublicAccessBlock s3:GetEncryptionConfiguration s3:ListAllMyBuckets "
        "kms:GetKeyPolicy kms:GetKeyRotationStatus lambda:GetPolicy sqs:GetQueueAttributes "
        "sns:GetTopicAttributes"
    )
    apis = ["arn:aws:apigateway:*::/restapis/*", "arn:aws:apigateway:*::/apis"]
    return document(
        allow([*read_only_actions(audit, ("Describe", "List")), *extra], sid="BaseSecurityAudit"),
        allow(["apigateway:GET"], apis, sid="APIGatewayAccess"),
    )


def _iam_full() -> Json:
    return document(
        allow(
            words(
                "iam:* organizations:DescribeAccount organizations:DescribeOrganization "
                "organizations:DescribeOrganizationalUnit organizations:DescribePolicy "
                "organizations:ListChildren organizations:ListParents "
                "organizations:ListPoliciesForTarget organizations:ListRoots "
                "organizations:ListPolicies organizations:ListTargetsForPolicy"
            )
        )
    )


def _iam_read() -> Json:
    return document(
        allow(
            words(
                "iam:GenerateCredentialReport iam:GenerateServiceLastAccessedDetails iam:Get* "
                "iam:List* iam:SimulateCustomPolicy iam:SimulatePrincipalPolicy"
            )
        )
    )


def _ec2_full() -> Json:
    linked = slr(
        "autoscaling.amazonaws.com",
        "ec2scheduled.amazonaws.com",
        "elasticloadbalancing.amazonaws.com",
        "spot.amazonaws.com",
        "spotfleet.amazonaws.com",
        "transitgateway.amazonaws.com",
    )
    return document(
        allow(words("ec2:* elasticloadbalancing:* cloudwatch:* autoscaling:*")),
        allow(["iam:CreateServiceLinkedRole"], condition=linked),
    )


def _lambda_full() -> Json:
    base = words(
        "cloudformation:DescribeStacks cloudformation:ListStackResources cloudwatch:ListMetrics "
        "cloudwatch:GetMetricData ec2:DescribeSecurityGroups ec2:DescribeSubnets "
        "ec2:DescribeVpcs kms:ListAliases iam:GetPolicy iam:GetPolicyVersion iam:GetRole "
        "iam:GetRolePolicy iam:ListAttachedRolePolicies iam:ListRolePolicies iam:ListRoles "
        "lambda:* logs:DescribeLogGroups states:DescribeStateMachine states:ListStateMachines "
        "tag:GetResources xray:GetTraceSummaries xray:BatchGetTraces"
    )
    logs = words(
        "logs:DescribeLogStreams logs:GetLogEvents logs:FilterLogEvents logs:StartLiveTail "
        "logs:StopLiveTail"
    )
    return document(
        allow(base, sid="BaseLambdaFullAccess"),
        allow(["iam:PassRole"], condition=passed_to("lambda.amazonaws.com"), sid="PassRole"),
        allow(logs, ["arn:aws:logs:*:*:log-group:/aws/lambda/*"], sid="LogsAccess"),
    )


def _dynamodb_full() -> Json:
    base = words(
        "dynamodb:* dax:* application-autoscaling:DeleteScalingPolicy "
        "application-autoscaling:DescribeScalableTargets application-autoscaling:PutScalingPolicy "
        "application-autoscaling:RegisterScalableTarget cloudwatch:DeleteAlarms "
        "cloudwatch:DescribeAlarms cloudwatch:PutMetricAlarm kms:DescribeKey kms:ListAliases "
        "sns:ListTopics lambda:ListFunctions iam:GetRole iam:ListRoles"
    )
    passed = passed_to(
        "application-autoscaling.amazonaws.com", "dax.amazonaws.com", operator="StringLike"
    )
    linked = slr(
        "replication.dynamodb.amazonaws.com",
        "dax.amazonaws.com",
        "dynamodb.application-autoscaling.amazonaws.com",
    )
    return document(
        allow(base),
        allow(["iam:PassRole"], condition=passed),
        allow(["iam:CreateServiceLinkedRole"], condition=linked),
    )


def _secrets_rw() -> Json:
    base = words(
        "secretsmanager:* cloudformation:CreateChangeSet cloudformation:DescribeChangeSet "
        "cloudformation:DescribeStackResource cloudformation:DescribeStacks "
        "cloudformation:ExecuteChangeSet ec2:DescribeSecurityGroups ec2:DescribeSubnets "
        "ec2:DescribeVpcs kms:DescribeKey kms:ListAliases kms:ListKeys lambda:ListFunctions "
        "rds:DescribeDBClusters rds:DescribeDBInstances tag:GetResources"
    )
    rotation = words(
        "lambda:AddPermission lambda:CreateFunction lambda:GetFunction lambda:InvokeFunction "
        "lambda:UpdateFunctionConfiguration"
    )
    return document(
        allow(base, sid="BasePermissions"),
        allow(rotation, ["arn:aws:lambda:*:*:function:SecretsManager*"], sid="LambdaPermissions"),
        allow(
            words("serverlessrepo:CreateCloudFormationChangeSet serverlessrepo:GetApplication"),
            ["arn:aws:serverlessrepo:*:*:applications/SecretsManager*"],
            sid="SARPermissions",
        ),
        allow(
            ["s3:GetObject"],
            [
                "arn:aws:s3:::awsserverlessrepo-changesets*",
                "arn:aws:s3:::secrets-manager-rotation-apps-*/*",
            ],
            sid="S3Permissions",
        ),
    )


def _rds_full() -> Json:
    base = words(
        "rds:* application-autoscaling:DescribeScalableTargets cloudwatch:DescribeAlarms "
        "cloudwatch:GetMetricStatistics ec2:DescribeAccountAttributes "
        "ec2:DescribeAvailabilityZones ec2:DescribeSecurityGroups ec2:DescribeSubnets "
        "ec2:DescribeVpcs kms:ListAliases kms:ListKeyPolicies logs:DescribeLogStreams "
        "logs:GetLogEvents sns:ListSubscriptions sns:ListTopics sns:Publish "
        "secretsmanager:CreateSecret secretsmanager:TagResource"
    )
    insights = ["arn:aws:pi:*:*:metrics/rds/*", "arn:aws:pi:*:*:perf-reports/rds/*"]
    linked = slr(
        "rds.amazonaws.com", "rds.application-autoscaling.amazonaws.com", operator="StringLike"
    )
    return document(
        allow(base),
        allow(["pi:*"], insights),
        allow(["iam:CreateServiceLinkedRole"], condition=linked),
    )


def _ecs_full() -> Json:
    base = words(
        "application-autoscaling:* autoscaling:* cloudformation:* cloudwatch:* ec2:Describe* "
        "ec2:CreateSecurityGroup ec2:AuthorizeSecurityGroupIngress ecs:* "
        "elasticloadbalancing:* events:* logs:CreateLogGroup logs:DescribeLogGroups "
        "logs:FilterLogEvents route53:* servicediscovery:* sns:ListTopics iam:ListRoles "
        "iam:ListInstanceProfiles iam:ListAttachedRolePolicies"
    )
    linked = slr(
        "ecs.amazonaws.com",
        "autoscaling.amazonaws.com",
        "ecs.application-autoscaling.amazonaws.com",
        operator="StringLike",
    )
    return document(
        allow(base, sid="ECSIntegrationsManagementPolicy"),
        allow(["iam:PassRole"], condition=passed_to("ecs-tasks.amazonaws.com"), sid="PassTask"),
        allow(
            ["iam:PassRole"],
            ["arn:aws:iam::*:role/ecsInstanceRole*"],
            condition=passed_to("ec2.amazonaws.com"),
            sid="PassInstanceRoles",
        ),
        allow(["iam:CreateServiceLinkedRole"], condition=linked),
    )


def _sagemaker_full() -> Json:
    base = words(
        "sagemaker:* application-autoscaling:* cloudwatch:* ec2:Describe* "
        "ec2:CreateNetworkInterface ec2:DeleteNetworkInterface ecr:* "
        "elasticfilesystem:DescribeFileSystems glue:GetTable glue:GetDatabases kms:DescribeKey "
        "kms:ListAliases lambda:ListFunctions logs:CreateLogGroup logs:CreateLogStream "
        "logs:PutLogEvents logs:GetLogEvents iam:ListRoles iam:GetRole secretsmanager:ListSecrets"
    )
    buckets = ["arn:aws:s3:::*SageMaker*", "arn:aws:s3:::*Sagemaker*", "arn:aws:s3:::*sagemaker*"]
    passed = passed_to(
        "sagemaker.amazonaws.com",
        "glue.amazonaws.com",
        "robomaker.amazonaws.com",
        "states.amazonaws.com",
    )
    return document(
        allow(base, sid="AllowAllNonAdminSageMakerActions"),
        allow(words("s3:GetObject s3:PutObject s3:DeleteObject s3:AbortMultipartUpload"), buckets),
        allow(
            words(
                "s3:CreateBucket s3:GetBucketLocation s3:ListBucket s3:ListAllMyBuckets "
                "s3:GetBucketCors s3:PutBucketCors"
            )
        ),
        allow(
            words(
                "secretsmanager:CreateSecret secretsmanager:DescribeSecret "
                "secretsmanager:GetSecretValue"
            ),
            ["arn:aws:secretsmanager:*:*:secret:AmazonSageMaker-*"],
        ),
        allow(["iam:PassRole"], ["arn:aws:iam::*:role/*"], condition=passed),
        allow(
            ["iam:PassRole"],
            ["arn:aws:iam::*:role/*AmazonSageMaker*"],
            condition=passed_to("glue.amazonaws.com", "lambda.amazonaws.com"),
        ),
    )


def _organizations_full() -> Json:
    return document(
        allow(
            words("organizations:* account:GetAccountInformation account:ListRegions"),
            sid="AWSOrganizationsFullAccess",
        ),
        allow(
            ["iam:CreateServiceLinkedRole"],
            condition=slr("organizations.amazonaws.com"),
            sid="AWSOrganizationsFullAccessCreateSLR",
        ),
    )


def _network_admin() -> Json:
    base = words(
        "autoscaling:Describe* cloudfront:ListDistributions directconnect:* "
        "ec2:AcceptVpcPeeringConnection ec2:AllocateAddress ec2:AssociateAddress "
        "ec2:AttachInternetGateway ec2:AuthorizeSecurityGroup* ec2:CreateRoute* "
        "ec2:CreateSubnet ec2:CreateVpc* ec2:CreateNatGateway ec2:DeleteRoute* ec2:DeleteSubnet "
        "ec2:DeleteVpc* ec2:Describe* ec2:ModifyVpc* ec2:RevokeSecurityGroup* "
        "elasticloadbalancing:* route53:* route53domains:* route53resolver:* logs:Describe* "
        "networkmanager:* globalaccelerator:*"
    )
    return document(allow(base), allow(["iam:PassRole"], ["arn:aws:iam::*:role/flow-logs-*"]))


def _codebuild_developer() -> Json:
    base = words(
        "codebuild:StartBuild codebuild:StopBuild codebuild:StartBuildBatch "
        "codebuild:StopBuildBatch codebuild:RetryBuild codebuild:BatchGet* "
        "codebuild:GetResourcePolicy codebuild:DescribeTestCases codebuild:List* "
        "codecommit:GetBranch codecommit:GetCommit codecommit:GetRepository "
        "codecommit:ListBranches cloudwatch:GetMetricStatistics events:DescribeRule "
        "events:ListTargetsByRule events:ListRuleNamesByTarget logs:GetLogEvents "
        "s3:GetBucketLocation s3:ListAllMyBuckets"
    )
    return document(
        allow(base, sid="AWSServicesAccess"),
        allow(["ssm:PutParameter"], ["arn:aws:ssm:*:*:parameter/CodeBuild/*"], sid="SSMWrite"),
    )


_ECR_PULL = (
    "ecr:GetAuthorizationToken ecr:BatchCheckLayerAvailability ecr:GetDownloadUrlForLayer "
    "ecr:GetRepositoryPolicy ecr:DescribeRepositories ecr:ListImages ecr:DescribeImages "
    "ecr:BatchGetImage "
)


# Policies with a single Allow statement: name -> its actions.
SIMPLE: dict[str, str] = {
    "AmazonS3FullAccess": "s3:* s3-object-lambda:*",
    "AmazonS3ReadOnlyAccess": "s3:Get* s3:List* s3:Describe* s3-object-lambda:Get* "
    "s3-object-lambda:List*",
    "AmazonEC2ReadOnlyAccess": "ec2:Describe* ec2:GetSecurityGroupsForVpc "
    "elasticloadbalancing:Describe* cloudwatch:ListMetrics cloudwatch:GetMetricStatistics "
    "cloudwatch:Describe* autoscaling:Describe*",
    "AWSLambda_ReadOnlyAccess": "cloudformation:DescribeStacks cloudwatch:GetMetricData "
    "iam:GetPolicy iam:GetRole iam:ListRoles lambda:Get* lambda:List* logs:DescribeLogGroups "
    "tag:GetResources",
    "AmazonDynamoDBReadOnlyAccess": "application-autoscaling:DescribeScalableTargets "
    "cloudwatch:GetMetricData dynamodb:BatchGetItem dynamodb:Describe* dynamodb:List* "
    "dynamodb:GetItem dynamodb:Query dynamodb:Scan dynamodb:PartiQLSelect dax:Describe* "
    "dax:List* dax:GetItem dax:BatchGetItem dax:Query dax:Scan",
    "AmazonSQSFullAccess": "sqs:*",
    "AmazonSNSFullAccess": "sns:* sms-voice:DescribeVerifiedDestinationNumbers",
    "CloudWatchLogsFullAccess": "logs:* cloudwatch:GenerateQuery "
    "cloudwatch:GenerateQueryResultsSummary",
    "CloudWatchReadOnlyAccess": "autoscaling:Describe* cloudwatch:BatchGet* cloudwatch:Describe* "
    "cloudwatch:GenerateQuery cloudwatch:Get* cloudwatch:List* logs:Get* logs:List* "
    "logs:StartQuery logs:StopQuery logs:Describe* logs:TestMetricFilter logs:FilterLogEvents "
    "oam:ListSinks sns:Get* sns:List*",
    "AWSCloudFormationFullAccess": "cloudformation:*",
    "AmazonEC2ContainerRegistryReadOnly": _ECR_PULL + "ecr:GetLifecyclePolicy "
    "ecr:GetLifecyclePolicyPreview ecr:ListTagsForResource ecr:DescribeImageScanFindings",
    "AmazonEC2ContainerRegistryPowerUser": _ECR_PULL + "ecr:InitiateLayerUpload "
    "ecr:UploadLayerPart ecr:CompleteLayerUpload ecr:PutImage",
    "Billing": "account:GetAccountInformation aws-portal:*Billing aws-portal:*PaymentMethods "
    "aws-portal:*Usage billing:* budgets:ModifyBudget budgets:ViewBudget ce:* "
    "consolidatedbilling:* cur:* freetier:* invoicing:* payments:* pricing:DescribeServices "
    "purchase-orders:* tax:*",
}

DOCUMENTS: dict[str, Callable[[], Json]] = {
    "AdministratorAccess": _administrator,
    "PowerUserAccess": _power_user,
    "ReadOnlyAccess": _read_only,
    "ViewOnlyAccess": _view_only,
    "SecurityAudit": _security_audit,
    "IAMFullAccess": _iam_full,
    "IAMReadOnlyAccess": _iam_read,
    "AmazonEC2FullAccess": _ec2_full,
    "AWSLambda_FullAccess": _lambda_full,
    "AmazonDynamoDBFullAccess": _dynamodb_full,
    "SecretsManagerReadWrite": _secrets_rw,
    "AmazonRDSFullAccess": _rds_full,
    "AmazonECS_FullAccess": _ecs_full,
    "AmazonSageMakerFullAccess": _sagemaker_full,
    "AWSOrganizationsFullAccess": _organizations_full,
    "NetworkAdministrator": _network_admin,
    "AWSCodeBuildDeveloperAccess": _codebuild_developer,
}
