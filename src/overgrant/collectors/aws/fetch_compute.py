"""Compute that runs as IAM roles: EC2 instances, Lambda functions, ECS task definitions.

I/O only, one region per call; :mod:`~overgrant.collectors.aws.workloads` turns the results
into workloads.
"""

from __future__ import annotations

from typing import Any

from overgrant.collectors.aws.gaps import GapRecorder
from overgrant.collectors.aws.session import Client


def fetch_instances(ec2: Client) -> list[dict[str, Any]]:
    """Every EC2 instance of the region (``DescribeInstances`` entries, reservations flattened)."""
    instances: list[dict[str, Any]] = []
    for page in ec2.get_paginator("describe_instances").paginate():
        for reservation in page.get("Reservations") or ():
            instances.extend(reservation.get("Instances") or ())
    return instances


def fetch_functions(lambda_client: Client) -> list[dict[str, Any]]:
    """Every Lambda function of the region (``ListFunctions`` entries, with their ``Role``)."""
    functions: list[dict[str, Any]] = []
    for page in lambda_client.get_paginator("list_functions").paginate():
        functions.extend(page.get("Functions") or ())
    return functions


def fetch_task_definitions(ecs: Client, recorder: GapRecorder) -> list[dict[str, Any]]:
    """Every active ECS task definition revision of the region, described.

    Returns:
        ``DescribeTaskDefinition`` ``taskDefinition`` objects (``taskRoleArn``,
        ``executionRoleArn``...). A revision whose description failed is left out; the
        recorder names it.
    """
    arns: list[str] = []
    # ListTaskDefinitions returns only ACTIVE revisions unless told otherwise; an INACTIVE
    # revision can no longer start new tasks.
    for page in ecs.get_paginator("list_task_definitions").paginate():
        arns.extend(page.get("taskDefinitionArns") or ())
    described: list[dict[str, Any]] = []
    for arn in arns:
        reply = recorder.call_for(
            "ecs:DescribeTaskDefinition",
            "roles of ECS task definitions",
            arn,
            ecs.describe_task_definition,
            taskDefinition=arn,
        )
        if reply is not None:
            described.append(reply["taskDefinition"])
    return described
