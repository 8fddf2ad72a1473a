"""Rules: the engine, the rule kinds (Python) and the built-in rule pack (YAML).

rules/*.yaml   the built-in pack, one ``OG###-name.yaml`` file per rule
loader         rule files -> :class:`~overgrant.policies.rule.Rule`, checked against
               ``schemas/rule.schema.json`` (parameters per kind)
kinds/         the rule kinds, one module each, listed in one table (``kinds.KINDS``)
context        :class:`~overgrant.policies.context.ScanContext`: what every kind reads
clouds/        per-cloud answers (effective permissions, last use) behind one Protocol
engine         detection: kinds' matches -> findings; ``run_scan`` puts a scan together
selection      the repository's choices: disabled rules, severities, suppressions, baseline
docs           ``docs/rules.md``, generated from the rule files
"""
