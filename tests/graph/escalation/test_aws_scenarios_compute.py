"""Escalation scenarios through compute: passing roles to services, borrowing running code.

Written from the AWS documentation and the methods' public sources (Rhino Security Labs,
pathfinding.cloud, BishopFox iam-vulnerable, PMapper's edge checks). The look-alikes (ids
starting ``not/``) follow the evaluation rules of the IAM User Guide: explicit deny in any
policy or group, permissions boundary, SCPs, Resource and NotAction, conditions, trust.
"""

from __future__ import annotations

import pytest

from overgrant.catalogs.aws import AwsCatalog
from overgrant.catalogs.escalation import EscalationMethod

from .escalation_kit import (
    ACCOUNT,
    OTHER,
    allow,
    deny,
    doc,
    function_arn,
    role_arn,
)
from .escalation_scenarios import (
    EC2,
    ECS,
    PROD,
    data_pipeline,
    ec2_instance_role,
    event_source,
    existing_compute,
    existing_function,
    passrole_lambda,
    passrole_service,
    ssm_instance,
)
from .scenario_check import CONDITIONAL, Edge, Scenario, check

PASS_ANY = allow("iam:PassRole")
SCENARIOS: dict[str, Scenario] = {
    "ec2-run-instances": Scenario(
        ec2_instance_role(),
        present=(
            Edge(
                "ec2-run-instances",
                PROD,
                via=(PROD, f"arn:aws:iam::{ACCOUNT}:instance-profile/prod-admin"),
                permissions=(("iam:PassRole", PROD), ("ec2:RunInstances", "*")),
            ),
        ),
    ),
    "not/ec2-run-instances/role-without-instance-profile": Scenario(
        ec2_instance_role(profile=False), absent=(("ec2-run-instances", PROD),)
    ),
    "lambda-create-function-invoke": Scenario(
        passrole_lambda(), present=(Edge("lambda-create-function-invoke", PROD, via=(PROD,)),)
    ),
    "not/passrole-lambda/explicit-deny-in-another-policy": Scenario(
        passrole_lambda(extra=(doc(deny("iam:PassRole", PROD)),)), absent=(("*", PROD),)
    ),
    "not/passrole-lambda/permissions-boundary-lacks-passrole": Scenario(
        passrole_lambda(boundary=doc(allow("lambda:*"))), absent=(("*", PROD),)
    ),
    "not/passrole-lambda/scp-on-the-ou-denies-passrole": Scenario(
        passrole_lambda(scp=doc(deny("iam:PassRole"))), absent=(("*", PROD),)
    ),
    "not/passrole-lambda/resource-is-an-unrelated-role": Scenario(
        passrole_lambda(grant=allow("iam:PassRole", role_arn("billing-worker"))),
        absent=(("*", PROD),),
    ),
    "not/passrole-lambda/deny-with-notaction": Scenario(
        passrole_lambda(extra=(doc({"Effect": "Deny", "NotAction": "lambda:*", "Resource": "*"}),)),
        absent=(("*", PROD),),
    ),
    "not/passrole-lambda/principal-org-id-cannot-match": Scenario(
        passrole_lambda(
            grant=allow(
                "iam:PassRole",
                "*",
                Condition={"StringEquals": {"aws:PrincipalOrgID": "o-someoneelse"}},
            )
        ),
        absent=(("*", PROD),),
    ),
    "not/passrole-lambda/limited-to-a-harmless-role": Scenario(
        passrole_lambda(grant=allow("iam:PassRole", role_arn("harmless"))),
        present=(Edge("lambda-create-function-invoke", role_arn("harmless")),),
        absent=(("*", PROD),),
    ),
    "not/passrole-lambda/passed-to-service-is-ec2": Scenario(
        passrole_lambda(
            grant=allow(
                "iam:PassRole", "*", Condition={"StringEquals": {"iam:PassedToService": EC2}}
            )
        ),
        absent=(("*", PROD),),
    ),
    "not/passrole-lambda/target-trusts-another-service": Scenario(
        passrole_lambda(grant=PASS_ANY, trust=ECS),
        absent=(("lambda-create-function-invoke", PROD),),
    ),
    "not/passrole-lambda/role-in-another-account": Scenario(
        passrole_lambda(grant=PASS_ANY, target_account=OTHER),
        absent=(("*", role_arn("prod-admin", OTHER)),),
    ),
    "lambda-create-function-event-source-mapping": Scenario(
        event_source(queue=True),
        present=(Edge("lambda-create-function-event-source-mapping", PROD),),
    ),
    "lambda-create-function-event-source-mapping/no-known-event-source": Scenario(
        event_source(queue=False),
        present=(
            Edge(
                "lambda-create-function-event-source-mapping",
                PROD,
                CONDITIONAL,
                note="event_source",
            ),
        ),
    ),
    "lambda-update-function-code": Scenario(
        existing_function(function=True),
        present=(
            Edge(
                "lambda-update-function-code",
                PROD,
                CONDITIONAL,
                via=(function_arn("billing"),),
                note="invokes the function",
            ),
        ),
        absent=(("lambda-update-function-code-invoke", PROD),),
    ),
    "lambda-update-function-code-invoke": Scenario(
        existing_function(function=True, invoke=True),
        present=(Edge("lambda-update-function-code-invoke", PROD, via=(function_arn("billing"),)),),
    ),
    "not/lambda-update-function-code/no-existing-function": Scenario(
        existing_function(function=False, invoke=True), absent=(("*", PROD),)
    ),
    "glue-create-dev-endpoint": Scenario(
        passrole_service("glue.amazonaws.com", ["glue:CreateDevEndpoint"]),
        present=(Edge("glue-create-dev-endpoint", PROD),),
    ),
    "glue-update-dev-endpoint": Scenario(
        existing_compute(
            "glue_dev_endpoint",
            f"arn:aws:glue:us-east-1:{ACCOUNT}:devEndpoint/etl",
            "glue:UpdateDevEndpoint",
        ),
        present=(Edge("glue-update-dev-endpoint", PROD),),
    ),
    "cloudformation-create-stack": Scenario(
        passrole_service("cloudformation.amazonaws.com", ["cloudformation:CreateStack"]),
        present=(Edge("cloudformation-create-stack", PROD),),
    ),
    "datapipeline-create-pipeline": Scenario(
        data_pipeline(auxiliary=True),
        present=(
            Edge("datapipeline-create-pipeline", PROD, via=(PROD, role_arn("pipeline-service"))),
        ),
    ),
    "not/datapipeline-create-pipeline/no-role-datapipeline-may-assume": Scenario(
        data_pipeline(auxiliary=False), absent=(("datapipeline-create-pipeline", PROD),)
    ),
    "codebuild-create-project": Scenario(
        passrole_service(
            "codebuild.amazonaws.com", ["codebuild:CreateProject", "codebuild:StartBuild"]
        ),
        present=(Edge("codebuild-create-project", PROD),),
    ),
    "codebuild-start-build": Scenario(
        existing_compute(
            "codebuild_project",
            f"arn:aws:codebuild:us-east-1:{ACCOUNT}:project/deploy",
            "codebuild:StartBuild",
        ),
        present=(Edge("codebuild-start-build", PROD),),
    ),
    "sagemaker-create-notebook-instance": Scenario(
        passrole_service(
            "sagemaker.amazonaws.com",
            ["sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"],
        ),
        present=(Edge("sagemaker-create-notebook-instance", PROD),),
    ),
    "ecs-create-cluster-run-task": Scenario(
        passrole_service(ECS, ["ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:RunTask"]),
        present=(
            Edge("ecs-create-cluster-run-task", PROD),
            Edge("ecs-run-task", PROD, CONDITIONAL, note="ecs_cluster"),
        ),
    ),
    "apprunner-create-service": Scenario(
        passrole_service(
            "tasks.apprunner.amazonaws.com",
            ["apprunner:CreateService"],
            receiving="apprunner.amazonaws.com",
        ),
        present=(Edge("apprunner-create-service", PROD),),
    ),
    # sessions on existing compute
    "ssm-send-command": Scenario(
        ssm_instance(),
        present=(
            Edge(
                "ssm-send-command",
                PROD,
                via=("arn:aws:ec2:us-east-1:111122223333:instance/i-0abc",),
            ),
        ),
    ),
    "ssm-send-command/ssm-management-unknown": Scenario(
        ssm_instance(managed=None),
        present=(Edge("ssm-send-command", PROD, CONDITIONAL, note="Systems Manager"),),
    ),
    "not/ssm-send-command/instance-stopped": Scenario(
        ssm_instance(state="stopped"), absent=(("*", PROD),)
    ),
    "ec2-instance-connect-send-ssh-public-key": Scenario(
        ssm_instance(),
        present=(
            Edge(
                "ec2-instance-connect-send-ssh-public-key",
                PROD,
                CONDITIONAL,
                note="Instance Connect agent",
            ),
        ),
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario(
    name: str, aws_catalog: AwsCatalog, methods: tuple[EscalationMethod, ...]
) -> None:
    check(SCENARIOS[name], aws_catalog, methods)
