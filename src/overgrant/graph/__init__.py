"""The permission graph: effective permissions, who can become whom, paths to admin."""
