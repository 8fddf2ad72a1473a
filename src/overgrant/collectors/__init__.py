"""Collectors: the only code that talks to cloud SDKs or reads native cloud exports.

Each cloud has ``fetch_*`` functions (I/O through the SDK, returning the cloud's own shapes)
kept apart from ``to_*`` functions (pure: cloud shapes in, :class:`~overgrant.model.Inventory`
out), so that a live collection and an import of the same data give the same inventory.
"""
