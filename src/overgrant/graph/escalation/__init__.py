"""Privilege escalation per cloud: ``can_escalate`` edges from an identity to what it can gain.

``aws`` finds them for AWS users and roles from the escalation catalog's methods.
"""
