"""Pulumi programs that apply remediation plans, one per cloud account (Python source as text)."""

from overgrant.remediation.pulumi.aws import render_aws_programs
from overgrant.remediation.pulumi.program import (
    GeneratedProgram,
    program_directory,
    rollback_document_path,
)

__all__ = [
    "GeneratedProgram",
    "program_directory",
    "render_aws_programs",
    "rollback_document_path",
]
