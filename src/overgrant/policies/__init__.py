"""Rules: the engine, the rule kinds (Python) and the built-in rule pack (YAML)."""
