"""Run one generated Pulumi program under pulumi's mocks and print what it registered, as JSON.

Run in a fresh interpreter per program (pulumi's runtime settings are process-global):
``python mock_runner.py PROGRAM_DIR ACCOUNT OUT_JSON``. The mock monitor is pulumi's own,
subclassed only to also record the resource options the engine would see (import id,
retain-on-delete, protect, ignore-changes, dependencies, provider).
"""

from __future__ import annotations

import json
import runpy
import sys
from typing import Any

import pulumi
from pulumi.runtime import mocks

_ARN_KINDS = {
    "aws:iam/policy:Policy": "policy",
    "aws:iam/role:Role": "role",
    "aws:iam/user:User": "user",
}


class RecordingMonitor(mocks.MockMonitor):
    def __init__(self, mock: pulumi.runtime.Mocks) -> None:
        super().__init__(mock)
        self.options: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        self.options[request.name] = {
            "urn": response.urn,
            "import_id": request.importId,
            "retain_on_delete": request.retainOnDelete,
            "protect": request.protect,
            "ignore_changes": list(request.ignoreChanges),
            "dependencies": list(request.dependencies),
            "provider": request.provider,
        }
        return response


class AwsMocks(pulumi.runtime.Mocks):
    """IAM resources get the ids and ARNs AWS would give them; nothing else is computed."""

    def __init__(self, account: str) -> None:
        self.account = account
        self.resources: list[dict[str, Any]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(
            {"type": args.typ, "name": args.name, "inputs": args.inputs, "import": args.resource_id}
        )
        state = dict(args.inputs)
        kind = _ARN_KINDS.get(args.typ)
        if kind is not None:
            path = state.get("path") or "/"
            state["arn"] = f"arn:aws:iam::{self.account}:{kind}{path}{state['name']}"
            return (state["arn"] if kind == "policy" else state["name"]), state
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        raise AssertionError(f"the program made an unexpected call: {args.token}")


def main(program_dir: str, account: str, out: str) -> None:
    mock = AwsMocks(account)
    monitor = RecordingMonitor(mock)
    pulumi.runtime.set_mocks(mock, monitor=monitor, preview=False)

    @pulumi.runtime.test  # waits for every registration the program starts
    def run() -> None:
        runpy.run_path(program_dir, run_name="__main__")

    run()
    for resource in mock.resources:
        resource.update(monitor.options.get(resource["name"], {}))
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(mock.resources, handle, indent=1, default=str)


if __name__ == "__main__":
    main(*sys.argv[1:4])
