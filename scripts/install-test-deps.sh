#!/usr/bin/env bash
# Installs what the test suite needs beyond the Python test extra: Debian's chromium, which the
# HTML report tests drive headless (tests/report/test_html_browser.py).
# Idempotent and quiet: it returns at once when chromium is already there, and prints apt's
# output only when an install fails.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-test-deps: no apt-get here; install Chromium and put 'chromium' on PATH" >&2
    exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "install-test-deps: installing chromium needs root (or sudo)" >&2
        exit 1
    fi
    SUDO=(sudo)
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { "${SUDO[@]}" apt-get update -qq && \
       "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-test-deps: installing chromium failed" >&2
    exit 1
fi
command -v chromium >/dev/null 2>&1 || { echo "install-test-deps: chromium not on PATH" >&2; exit 1; }
