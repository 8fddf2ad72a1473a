"""A rule as loaded from a rule pack: metadata for people and tools, and its kind's parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from overgrant.findings import Severity
from overgrant.model import Cloud, JsonValue


class RuleStatus(StrEnum):
    PREVIEW = "preview"
    STABLE = "stable"
    DEPRECATED = "deprecated"


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One rule of a pack (``OG###-name.yaml``), validated against the rule-pack schema."""

    id: str
    """Stable id such as ``OG101``: 1xx grants, 2xx escalation, 3xx trust, 4xx usage/credentials."""
    name: str
    """Kebab-case name, the part of the file name after the id."""
    title: str
    severity: Severity
    clouds: tuple[Cloud, ...]
    status: RuleStatus
    kind: str
    """The rule kind (Python) this rule instantiates: ``grant-pattern``, ``escalation-path``..."""
    params: Mapping[str, JsonValue] = field(default_factory=dict)
    rationale: str = ""
    """Why it matters, including what the rule cannot see."""
    description: str = ""
    """What the rule checks, in a paragraph (the "what it does" section of its docs)."""
    limitations: str = ""
    """What the rule cannot see: evidence the inventory may lack, cases it cannot decide."""
    remediation: str = ""
    references: tuple[str, ...] = ()
    since: str = "0.1.0"
    source: str = ""
    """The file the rule was loaded from (built-in rules: a package-relative path)."""
