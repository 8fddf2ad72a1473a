"""Where the sample estate's CloudTrail evidence lives.

The bundled files under ``sample/aws/cloudtrail/`` are gzipped CloudTrail logs in the layout a
trail delivers to S3, written by ``scripts/sample_cloudtrail.py`` (see the README beside them).
They are read through the same reader a user runs on their own logs:
:func:`overgrant.remediation.evidence.sample_usage` returns that evidence. (The reader belongs
to remediation, a layer this package may not import; so this module only finds the files.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path


@contextmanager
def sample_cloudtrail_folder() -> Iterator[Path]:
    """The folder holding the sample's ``AWSLogs/`` tree, as a real path while in use."""
    folder = resources.files(__package__ or "overgrant.sample").joinpath("aws", "cloudtrail")
    with resources.as_file(folder) as path:
        yield Path(path)
