"""Documents of AWS managed policies for service roles and service-linked roles (Lambda, ECS,
Glue, SSM, Support, Organizations, Identity Center...), written to resemble the real ones.
"""

from __future__ import annotations

from collections.abc import Callable

from awsgen_common import Json, allow, deny, document, words
from awsgen_policy_docs import READ_SERVICES, passed_to, read_only_actions, slr


def _glue_service() -> Json:
    base = words(
        "glue:* s3:GetBucketLocation s3:ListBucket s3:ListAllMyBuckets s3:GetBucketAcl "
        "ec2:DescribeVpcEndpoints ec2:DescribeRouteTables ec2:CreateNetworkInterface "
        "ec2:DeleteNetworkInterface ec2:DescribeNetworkInterfaces ec2:DescribeSecurityGroups "
        "ec2:DescribeSubnets ec2:DescribeVpcAttribute iam:ListRolePolicies iam:GetRole "
        "iam:GetRolePolicy cloudwatch:PutMetricData"
    )
    tagged = words(
        "arn:aws:ec2:*:*:network-interface/* arn:aws:ec2:*:*:security-group/* "
        "arn:aws:ec2:*:*:instance/*"
    )
    only_glue_tag = {"ForAllValues:StringEquals": {"aws:TagKeys": ["aws-glue-service-resource"]}}
    return document(
        allow(base),
        allow(["s3:CreateBucket"], ["arn:aws:s3:::aws-glue-*"]),
        allow(
            words("s3:GetObject s3:PutObject s3:DeleteObject"),
            ["arn:aws:s3:::aws-glue-*/*", "arn:aws:s3:::*/*aws-glue-*/*"],
        ),
        allow(["s3:GetObject"], ["arn:aws:s3:::crawler-public*", "arn:aws:s3:::aws-glue-*"]),
        allow(
            words("logs:CreateLogGroup logs:CreateLogStream logs:PutLogEvents"),
            ["arn:aws:logs:*:*:*:/aws-glue/*"],
        ),
        allow(words("ec2:CreateTags ec2:DeleteTags"), tagged, condition=only_glue_tag),
    )


def _ssm_core() -> Json:
    return document(
        allow(
            words(
                "ssm:DescribeAssociation ssm:GetDeployablePatchSnapshotForInstance "
                "ssm:GetDocument ssm:DescribeDocument ssm:GetManifest ssm:GetParameter "
                "ssm:GetParameters ssm:ListAssociations ssm:ListInstanceAssociations "
                "ssm:PutInventory ssm:PutComplianceItems ssm:PutConfigurePackageResult "
                "ssm:UpdateAssociationStatus ssm:UpdateInstanceAssociationStatus "
                "ssm:UpdateInstanceInformation"
            )
        ),
        allow(
            words(
                "ssmmessages:CreateControlChannel ssmmessages:CreateDataChannel "
                "ssmmessages:OpenControlChannel ssmmessages:OpenDataChannel"
            )
        ),
        allow(
            words(
                "ec2messages:AcknowledgeMessage ec2messages:DeleteMessage "
                "ec2messages:FailMessage ec2messages:GetEndpoint ec2messages:GetMessages "
                "ec2messages:SendReply"
            )
        ),
    )


def _cloudwatch_agent() -> Json:
    base = words(
        "cloudwatch:PutMetricData ec2:DescribeVolumes ec2:DescribeTags logs:PutLogEvents "
        "logs:PutRetentionPolicy logs:DescribeLogStreams logs:DescribeLogGroups "
        "logs:CreateLogStream logs:CreateLogGroup xray:PutTraceSegments xray:PutTelemetryRecords "
        "xray:GetSamplingRules xray:GetSamplingTargets"
    )
    return document(
        allow(base, sid="CWACloudWatchServerPermissions"),
        allow(
            ["ssm:GetParameter"],
            ["arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"],
            sid="CWASSMServerPermissions",
        ),
    )


def _support_slr() -> Json:
    actions = read_only_actions(READ_SERVICES[:48], ("Describe", "List"))
    extra = ["iam:GetAccountSummary", "iam:GetAccountPasswordPolicy"]
    return document(allow([*actions, *extra], sid="AWSSupportAPIs"))


def _autoscaling_slr() -> Json:
    instances = words(
        "ec2:AttachClassicLinkVpc ec2:CancelSpotInstanceRequests ec2:CreateFleet ec2:CreateTags "
        "ec2:DeleteTags ec2:Describe* ec2:DetachClassicLinkVpc ec2:ModifyInstanceAttribute "
        "ec2:RequestSpotInstances ec2:RunInstances ec2:StartInstances ec2:StopInstances "
        "ec2:TerminateInstances"
    )
    to_ec2 = passed_to("ec2.amazonaws.com*", operator="StringLike")
    return document(
        allow(instances, sid="EC2InstanceManagement"),
        allow(["iam:PassRole"], condition=to_ec2, sid="EC2InstanceProfileManagement"),
        allow(
            words(
                "elasticloadbalancing:Register* elasticloadbalancing:Deregister* "
                "elasticloadbalancing:Describe*"
            ),
            sid="ELBManagement",
        ),
        allow(
            words(
                "cloudwatch:DeleteAlarms cloudwatch:DescribeAlarms cloudwatch:GetMetricData "
                "cloudwatch:PutMetricAlarm"
            ),
            sid="CWManagement",
        ),
    )


def _ecs_slr() -> Json:
    tasks = words(
        "ec2:AttachNetworkInterface ec2:CreateNetworkInterface "
        "ec2:CreateNetworkInterfacePermission ec2:DeleteNetworkInterface "
        "ec2:DeleteNetworkInterfacePermission ec2:Describe* ec2:DetachNetworkInterface "
        "elasticloadbalancing:DeregisterInstancesFromLoadBalancer "
        "elasticloadbalancing:DeregisterTargets elasticloadbalancing:Describe* "
        "elasticloadbalancing:RegisterInstancesWithLoadBalancer "
        "elasticloadbalancing:RegisterTargets route53:ChangeResourceRecordSets "
        "route53:CreateHealthCheck route53:DeleteHealthCheck route53:Get* route53:List* "
        "route53:UpdateHealthCheck servicediscovery:DeregisterInstance servicediscovery:Get* "
        "servicediscovery:List* servicediscovery:RegisterInstance "
        "servicediscovery:UpdateInstanceCustomHealthStatus"
    )
    return document(
        allow(tasks, sid="ECSTaskManagement"),
        allow(["ec2:CreateTags"], ["arn:aws:ec2:*:*:network-interface/*"], sid="ECSTagging"),
        allow(
            words("logs:CreateLogGroup logs:DescribeLogGroups logs:PutRetentionPolicy"),
            ["arn:aws:logs:*:*:log-group:/aws/ecs/*"],
            sid="ECSLogGroup",
        ),
    )


def _sso_slr() -> Json:
    provisioning = words(
        "iam:AttachRolePolicy iam:CreateRole iam:DeleteRole iam:DeleteRolePolicy "
        "iam:DetachRolePolicy iam:GetRole iam:ListRolePolicies iam:PutRolePolicy "
        "iam:ListAttachedRolePolicies iam:UpdateRole iam:UpdateRoleDescription iam:TagRole "
        "iam:UntagRole iam:PutRolePermissionsBoundary iam:DeleteRolePermissionsBoundary"
    )
    reads = words(
        "organizations:DescribeAccount organizations:DescribeOrganization "
        "organizations:ListAccounts organizations:ListAWSServiceAccessForOrganization "
        "organizations:ListDelegatedAdministrators"
    )
    return document(
        allow(
            provisioning,
            ["arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*"],
            sid="IAMRoleProvisioningActions",
        ),
        allow(words("iam:ListRoles iam:ListPolicies iam:GetSAMLProvider"), sid="IAMRoleRead"),
        allow(
            words("iam:CreateSAMLProvider iam:UpdateSAMLProvider iam:DeleteSAMLProvider"),
            ["arn:aws:iam::*:saml-provider/AWSSSO_*"],
            sid="IAMSLRCleanupActions",
        ),
        allow(reads, sid="AllowOrganizationsReads"),
    )


def _guardduty_slr() -> Json:
    reads = words(
        "ec2:DescribeInstances ec2:DescribeImages ec2:DescribeVpcEndpoints ec2:DescribeSubnets "
        "ec2:DescribeVpcPeeringConnections ec2:DescribeTransitGatewayAttachments "
        "organizations:ListAccounts organizations:DescribeAccount "
        "organizations:DescribeOrganization s3:GetBucketPublicAccessBlock "
        "s3:GetEncryptionConfiguration s3:GetBucketTagging s3:GetAccountPublicAccessBlock "
        "s3:ListAllMyBuckets s3:GetBucketAcl s3:GetBucketPolicy s3:GetBucketPolicyStatus "
        "lambda:GetFunctionConfiguration lambda:ListFunctions lambda:ListTags "
        "eks:ListClusters eks:DescribeCluster"
    )
    malware = slr("malware-protection.guardduty.amazonaws.com", operator="StringLike")
    return document(
        allow(reads, sid="GuardDutyGetDescribeListPolicy"),
        allow(
            ["iam:CreateServiceLinkedRole"],
            ["arn:aws:iam::*:role/*AWSServiceRoleForAmazonGuardDutyMalwareProtection"],
            condition=malware,
            sid="GuardDutyCreateSLRPolicy",
        ),
        deny(["ec2:RunInstances"], sid="GuardDutyNoRunInstances"),
    )


def _organizations_slr() -> Json:
    delegated = {"StringEquals": {"iam:ResourceTag/aws:organizations:delegated": "true"}}
    return document(
        allow(["iam:GetRole"], sid="AllowReadActions"),
        allow(
            ["iam:DeleteRole"],
            ["arn:aws:iam::*:role/aws-service-role/organizations.amazonaws.com/*"],
            condition=delegated,
            sid="AllowDeletionOfServiceLinkedRoleForOrganizations",
        ),
        allow(["iam:CreateServiceLinkedRole"], sid="AllowCreationOfServiceLinkedRoles"),
    )


def _config_slr() -> Json:
    actions = read_only_actions(READ_SERVICES[10:60], ("Describe", "List"))
    extra = words(
        "s3:GetBucketPolicy s3:GetBucketAcl iam:GetRole iam:GetRolePolicy iam:GetPolicyVersion "
        "iam:GetUser iam:GetGroup kms:GetKeyPolicy lambda:GetPolicy"
    )
    return document(allow([*actions, *extra], sid="AWSConfigServiceRolePolicyStatementID"))


# Policies with a single Allow statement: name -> its actions.
SIMPLE: dict[str, str] = {
    "AWSLambdaBasicExecutionRole": "logs:CreateLogGroup logs:CreateLogStream logs:PutLogEvents",
    "AWSLambdaVPCAccessExecutionRole": "logs:CreateLogGroup logs:CreateLogStream "
    "logs:PutLogEvents ec2:CreateNetworkInterface ec2:DescribeNetworkInterfaces "
    "ec2:DescribeSubnets ec2:DeleteNetworkInterface ec2:AssignPrivateIpAddresses "
    "ec2:UnassignPrivateIpAddresses",
    "AmazonECSTaskExecutionRolePolicy": "ecr:GetAuthorizationToken "
    "ecr:BatchCheckLayerAvailability ecr:GetDownloadUrlForLayer ecr:BatchGetImage "
    "logs:CreateLogStream logs:PutLogEvents",
    "AWSXRayDaemonWriteAccess": "xray:PutTraceSegments xray:PutTelemetryRecords "
    "xray:GetSamplingRules xray:GetSamplingTargets xray:GetSamplingStatisticSummaries",
    "AWSTrustedAdvisorServiceRolePolicy": "autoscaling:Describe* "
    "cloudformation:DescribeAccountLimits cloudfront:ListDistributions "
    "cloudtrail:DescribeTrails cloudtrail:GetTrailStatus dynamodb:DescribeLimits "
    "ec2:Describe* elasticloadbalancing:Describe* iam:GenerateCredentialReport "
    "iam:GetAccountPasswordPolicy iam:GetAccountSummary iam:GetCredentialReport "
    "iam:ListServerCertificates rds:Describe* redshift:Describe* route53:ListHostedZones "
    "s3:GetBucketPolicyStatus s3:GetBucketAcl s3:ListAllMyBuckets",
    "AWSElasticLoadBalancingServiceRolePolicy": "ec2:DescribeAddresses ec2:DescribeInstances "
    "ec2:DescribeSubnets ec2:DescribeSecurityGroups ec2:DescribeVpcs "
    "ec2:DescribeInternetGateways ec2:DescribeAccountAttributes ec2:CreateSecurityGroup "
    "ec2:CreateNetworkInterface ec2:DeleteNetworkInterface "
    "ec2:ModifyNetworkInterfaceAttribute ec2:AuthorizeSecurityGroupIngress "
    "ec2:AssociateAddress ec2:DisassociateAddress ec2:AttachNetworkInterface "
    "ec2:DetachNetworkInterface ec2:AssignPrivateIpAddresses ec2:AssignIpv6Addresses "
    "ec2:UnassignIpv6Addresses logs:CreateLogDelivery logs:GetLogDelivery "
    "logs:UpdateLogDelivery logs:DeleteLogDelivery logs:ListLogDeliveries",
}

DOCUMENTS: dict[str, Callable[[], Json]] = {
    "AWSGlueServiceRole": _glue_service,
    "AmazonSSMManagedInstanceCore": _ssm_core,
    "CloudWatchAgentServerPolicy": _cloudwatch_agent,
    "AWSSupportServiceRolePolicy": _support_slr,
    "AutoScalingServiceRolePolicy": _autoscaling_slr,
    "AmazonECSServiceRolePolicy": _ecs_slr,
    "AWSSSOServiceRolePolicy": _sso_slr,
    "AmazonGuardDutyServiceRolePolicy": _guardduty_slr,
    "AWSOrganizationsServiceTrustPolicy": _organizations_slr,
    "AWSConfigServiceRolePolicy": _config_slr,
}
