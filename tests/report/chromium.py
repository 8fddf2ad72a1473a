"""Headless Chromium for report tests: the rendered DOM, a screenshot, and the console.

Chromium is Debian's package (``scripts/install-test-deps.sh`` installs it). It runs as a
subprocess on a ``file://`` URL with every background service off, so it reaches no network;
with ``--enable-logging=stderr`` each console message (including uncaught exceptions and
Content-Security-Policy violations) is logged as an ``INFO:CONSOLE`` line, which tests collect.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).parent / "artifacts"
_CONSOLE = re.compile(r":CONSOLE[:(]")
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--metrics-recording-only",
    "--enable-logging=stderr",
    "--v=0",
)


def chromium_binary() -> str:
    """The Chromium executable; a missing browser fails the test (never a silent skip)."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("chromium is not installed: run scripts/install-test-deps.sh")


@dataclass(frozen=True, slots=True)
class Run:
    stdout: str
    console: tuple[str, ...]
    """Console messages the page produced (errors, CSP violations, console.log)."""


def run_chromium(url: str, profile: Path, *extra: str) -> Run:
    """Open ``url`` headless with ``extra`` flags (``--dump-dom``, ``--screenshot=…``)."""
    completed = subprocess.run(
        [chromium_binary(), *_FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "HOME": str(profile)},
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    console = tuple(line for line in completed.stderr.splitlines() if _CONSOLE.search(line))
    return Run(stdout=completed.stdout, console=console)


def dump_dom(page: Path, profile: Path, query: str = "") -> Run:
    return run_chromium(page.as_uri() + query, profile, "--dump-dom")


def screenshot(page: Path, profile: Path, target: Path, *, width: int, height: int) -> Run:
    target.parent.mkdir(parents=True, exist_ok=True)
    return run_chromium(
        page.as_uri(), profile, f"--screenshot={target}", f"--window-size={width},{height}"
    )


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
