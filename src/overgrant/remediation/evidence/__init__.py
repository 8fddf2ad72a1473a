"""Usage evidence for remediation: CloudTrail log files, Event history and Access Advisor.

    mapping = load_cloudtrail_mapping()
    evidence = read_cloudtrail([Path("AWSLogs")], inventory, mapping)
    mapping.is_observable("s3:GetObject", evidence.windows[0])

Every source yields :class:`~overgrant.usage.UsageEvidence`: records of who used which
permission on which resource, the windows the sources covered, and notes on what was skipped.
Whether a permission's use could have been seen at all is the mapping's to say
(:meth:`~overgrant.catalogs.cloudtrail.CloudTrailMapping.is_observable`).
"""

from overgrant.catalogs.cloudtrail import CloudTrailMapping, load_cloudtrail_mapping
from overgrant.remediation.evidence.accumulate import UsageAccumulator
from overgrant.remediation.evidence.files import FILES_SOURCE, LOOKUP_SOURCE, read_cloudtrail
from overgrant.remediation.evidence.live import read_access_advisor, read_event_history
from overgrant.remediation.evidence.sample import sample_usage

__all__ = [
    "FILES_SOURCE",
    "LOOKUP_SOURCE",
    "CloudTrailMapping",
    "UsageAccumulator",
    "load_cloudtrail_mapping",
    "read_access_advisor",
    "read_cloudtrail",
    "read_event_history",
    "sample_usage",
]
