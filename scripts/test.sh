#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine, then runs them (README, second command).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check -e ".[test]"
bash scripts/install-test-deps.sh
python3 -m pytest -q "$@"
