"""The pinned npm validators of ``tools/site-check/`` (Lighthouse, Nu Html Checker, axe-core,
DAISY Ace), installed by ``make check-site`` with ``npm ci --ignore-scripts``. A test that needs
them skips only when that folder is not installed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools" / "site-check"
MODULES = TOOLS / "node_modules"
CHROMIUM = "/usr/bin/chromium"


def tool(relative: str) -> Path:
    """A file inside the installed tools, or skip the test (``make check-site`` installs them)."""
    path = MODULES / relative
    if not path.exists():
        pytest.skip(f"tools/site-check is not installed (make check-site installs it): {relative}")
    if not shutil.which("node") or not Path(CHROMIUM).exists():
        pytest.skip("node or Debian's chromium is missing (make system)")
    return path


def browser_env() -> dict[str, str]:
    """Puppeteer and Lighthouse use Debian's Chromium, never a download of their own."""
    return {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "CHROME_PATH": CHROMIUM,
            "PUPPETEER_SKIP_DOWNLOAD": "1"}
