#!/usr/bin/env bash
# A throwaway virtual environment with Cloudsplaining 0.9.1, for bench_graph.py's comparison.
#
#   bash bench/cloudsplaining_venv.sh [DIR]      # default DIR: bench/out/cloudsplaining-venv
#
# Creates DIR (bench/out/ is gitignored) with `python3 -m venv`, installs cloudsplaining==0.9.1
# into it through pip's configured registry, and prints the path of its `cloudsplaining`
# executable on the last line of stdout. Cloudsplaining is never a dependency of overgrant: it
# lives only in this venv, which can be deleted at any time. An existing venv that already
# holds 0.9.1 is reused as it is.
set -euo pipefail

VERSION="0.9.1"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${1:-$HERE/out/cloudsplaining-venv}"
PYTHON="${PYTHON:-python3}"
EXE="$DIR/bin/cloudsplaining"

installed_version() {
    "$DIR/bin/python" -c \
        'import importlib.metadata as m; print(m.version("cloudsplaining"))' 2>/dev/null || true
}

if [[ -x "$EXE" && "$(installed_version)" == "$VERSION" ]]; then
    echo "reusing $DIR (cloudsplaining $VERSION)" >&2
else
    echo "creating $DIR with cloudsplaining $VERSION" >&2
    "$PYTHON" -m venv "$DIR"
    "$DIR/bin/python" -m pip install --quiet --disable-pip-version-check \
        "cloudsplaining==$VERSION" >&2
    if [[ "$(installed_version)" != "$VERSION" ]]; then
        echo "cloudsplaining $VERSION did not install into $DIR" >&2
        exit 1
    fi
fi
echo "$EXE"
