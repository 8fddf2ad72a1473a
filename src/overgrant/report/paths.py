"""``overgrant paths`` output: a documented JSON shape for tools and a console view for people.

JSON (``"format": "overgrant-paths"``, ``"format_version": 1``)::

    {"identities": [
      {"identity": ARN, "name", "kind", "nature", "nature_reason", "container",
       "paths": [{"target": "admin:aws/account/…", "outcome": "allowed|conditional",
                  "hops": [EDGE, …]}],
       "blast_radius": {"direct": [NODE…], "admin_of": [NODE…], "transitive_count": N,
                        "transitive": [NODE…] (only with --identity)},
       "minimum_cut": [EDGE, …]}]}

    EDGE = {"kind": "can_assume|can_escalate", "source": NODE, "target": NODE,
            "method": "sts:AssumeRole | <escalation method id> | holds-admin | …",
            "outcome": "allowed|conditional",
            "permissions": [{"action", "resource"}],
            "statements": [{"permission_set", "index", "sid", "effect"}],
            "via": […], "unknown_condition_keys": […], "risks": […], "notes": […]}

Node keys are ``<kind>:<id>``: ``identity:<arn>``, ``admin:aws/account/<id>``,
``admin:aws/organization/<o-id>``, ``provider:<arn>``, ``external:aws-account/<id>``,
``external:anyone``.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from overgrant.graph.analysis import IdentityExposure
from overgrant.graph.build import edge_as_dict
from overgrant.graph.edges import AttackEdge
from overgrant.model import JsonValue

PATHS_FORMAT = "overgrant-paths"
PATHS_FORMAT_VERSION = 1


def exposures_as_json(exposures: Sequence[IdentityExposure]) -> dict[str, JsonValue]:
    identities: list[JsonValue] = []
    for exposure in exposures:
        identity = exposure.identity
        identities.append(
            {
                "identity": identity.id,
                "name": identity.name,
                "kind": identity.kind.value,
                "nature": identity.nature.value,
                "nature_reason": identity.nature_reason,
                "container": identity.container,
                "paths": [
                    {
                        "target": path.target,
                        "outcome": path.outcome.value,
                        "hops": [_json(edge_as_dict(h)) for h in path.hops],
                    }
                    for path in exposure.paths
                ],
                "blast_radius": {
                    "direct": list(exposure.blast_radius.direct),
                    "admin_of": list(exposure.blast_radius.admin_of),
                    "transitive_count": exposure.blast_radius.transitive_count,
                    "transitive": list(exposure.blast_radius.transitive),
                },
                "minimum_cut": [_json(edge_as_dict(e)) for e in exposure.minimum_cut],
            }
        )
    return {
        "format": PATHS_FORMAT,
        "format_version": PATHS_FORMAT_VERSION,
        "identities": identities,
    }


def _json(value: object) -> JsonValue:
    """Enums to their values, tuples to lists: what json.dumps accepts."""
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, Enum):
        return _json(value.value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _fix_line(edge: AttackEdge) -> str:
    """The edge to cut and the statements that grant it (what a reviewer would edit)."""
    permissions = ", ".join(f"{a} on {r}" for a, r in edge.permissions[:3])
    granted = "; ".join(f"{s.permission_set} statement #{s.index}" for s in edge.statements[:3])
    line = f"{escape(edge.source)} —{escape(edge.method)}→ {escape(edge.target)}"
    if permissions:
        line += f"\n  needs {escape(permissions)}"
    if granted:
        line += f"\n  granted by {escape(granted)}"
    return line


def render_exposures(exposures: Sequence[IdentityExposure], console: Console) -> None:
    """A tree per identity: each path hop by hop with its method and enabling permissions."""
    if not exposures:
        console.print("No non-human identity can reach admin.")
        return
    for exposure in exposures:
        identity = exposure.identity
        tree = Tree(
            f"[bold]{escape(identity.name)}[/bold] ({identity.kind.value}, "
            f"{identity.nature.value}) {escape(identity.id)}"
        )
        for path in exposure.paths:
            branch = tree.add(f"→ {escape(path.target)} [{path.outcome.value}]")
            for hop in path.hops:
                permissions = ", ".join(f"{a} on {r}" for a, r in hop.permissions[:4])
                branch.add(
                    f"{escape(hop.method)} → {escape(hop.target)}"
                    + (f"  [dim]({escape(permissions)})[/dim]" if permissions else "")
                )
        if exposure.minimum_cut:
            fix = tree.add("smallest fix: cut each of these edges")
            for edge in exposure.minimum_cut:
                fix.add(_fix_line(edge))
        console.print(tree)
    count = len(exposures)
    console.print(
        f"{count} non-human {'identity' if count == 1 else 'identities'} can reach admin."
    )
