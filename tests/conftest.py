"""Shared fixtures: the sample issue, corpus files, and a build helper that asserts no warnings."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from typeset.build import build
from typeset.resources import sample_issue_dir
from typeset.sources import load

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = sample_issue_dir() / "000_ba500d8529fedb8f.txt"
GB18030 = FIXTURES / "seed-gb18030-crlf.txt"
QUIRKS = FIXTURES / "seed-quirks.txt"
MARKERS = "☆*＊"
_WS = re.compile(r"\s+")


def visible_chars(text: str, drop: str = MARKERS) -> str:
    """Every non-whitespace character, in order, with the structural markers left out."""
    return "".join(ch for ch in _WS.sub("", text) if ch not in drop)


def is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


def first_missing(needle: str, haystack: str) -> int:
    """Index in ``needle`` of the first character not found in order in ``haystack`` (-1 if none)."""
    pos = 0
    for index, ch in enumerate(needle):
        pos = haystack.find(ch, pos)
        if pos < 0:
            return index
        pos += 1
    return -1


@pytest.fixture(scope="session")
def sample():
    return load().bulletin


def build_clean(*args, allowed_warnings=(), **kwargs):
    """Build and assert that no unexpected warning was logged."""
    result = build(*args, **kwargs)
    unexpected = [w for w in result.warnings if not any(a in w for a in allowed_warnings)]
    assert unexpected == [], unexpected
    return result


@pytest.fixture(scope="session")
def sample_html_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    return build_clean(None, out, ["html"])


@pytest.fixture
def issue_copy(tmp_path):
    """A writable copy of the bundled sample issue folder."""
    target = tmp_path / "issue"
    shutil.copytree(sample_issue_dir(), target)
    return target


@pytest.fixture(scope="session")
def year_library(tmp_path_factory):
    """Twelve issues of 2020 built into a library site with its volume and manifests, once for
    tests/test_volume.py and tests/test_verify.py (which copy it before damaging anything)."""
    from tests.volume_archive import build_year_library

    return build_year_library(tmp_path_factory.mktemp("year"))


def run_cli(monkeypatch, capsys, *argv) -> tuple[int, str, str]:
    """``huikan *argv`` in this process: (exit code, stdout, stderr)."""
    from typeset.cli import main

    monkeypatch.setattr("sys.argv", ["huikan", *map(str, argv)])
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = exit_.code or 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def chromium_session(*, logs: bool = False):
    """A headless Debian Chromium driven by Selenium (skips the test when either is missing);
    the caller quits it."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip("Debian's chromium and chromium-driver are not installed (make system)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--window-size=1280,900"):
        options.add_argument(flag)
    if logs:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=options)
