"""Permission catalogs: which actions each cloud defines and how risky each one is.

Catalogs are loaded explicitly (never at import time) and passed to whoever needs them.
"""
