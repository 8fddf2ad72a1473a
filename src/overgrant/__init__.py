"""overgrant: find the cloud identities that can do more than they need."""

from __future__ import annotations

__version__ = "0.1.0"
