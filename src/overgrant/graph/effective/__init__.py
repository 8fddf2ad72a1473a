"""Effective permissions per cloud, each following its cloud's own evaluation logic.

``decision`` holds the cloud-neutral answer types; ``aws`` the AWS evaluator.
"""
