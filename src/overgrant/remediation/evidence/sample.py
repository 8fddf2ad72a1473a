"""The sample estate's usage evidence, read through the real CloudTrail reader."""

from __future__ import annotations

from overgrant.catalogs.cloudtrail import CloudTrailMapping, load_cloudtrail_mapping
from overgrant.model import Inventory
from overgrant.remediation.evidence.files import read_cloudtrail
from overgrant.sample import sample_inventory
from overgrant.sample.usage import sample_cloudtrail_folder
from overgrant.usage import UsageEvidence


def sample_usage(
    inventory: Inventory | None = None, mapping: CloudTrailMapping | None = None
) -> UsageEvidence:
    """Usage evidence from the bundled CloudTrail logs of the sample estate.

    Args:
        inventory: the sample inventory, when the caller has it already (read again if not).
        mapping: the event mapping, when the caller has it already (loaded if not).
    """
    with sample_cloudtrail_folder() as folder:
        return read_cloudtrail(
            [folder],
            inventory if inventory is not None else sample_inventory(),
            mapping if mapping is not None else load_cloudtrail_mapping(),
        )
