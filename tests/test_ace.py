"""DAISY Ace (the EPUB accessibility checker of the DAISY Consortium, axe-core inside the
EPUB's documents) finds no violation in any issue's EPUB: the sample with its 版记, the two
single-text-file issues and the picture issue."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, build_clean
from tests.site_tools import browser_env, tool

pytestmark = pytest.mark.slow

def issues(tmp: Path) -> dict[str, Path]:
    """The EPUBs to check: name → file."""
    books = {"sample": build_clean(None, tmp / "sample", ["epub"]).files["epub"]}
    for name in ("seed-gb18030-crlf.txt", "seed-quirks.txt"):
        # The quirks file has check errors on purpose: forced through, they are findings, not warnings.
        books[name] = build_clean(FIXTURES / name, tmp / name, ["epub"], force=True,
                                  metadata={"date": dt.date(2014, 6, 30)}).files["epub"]
    from tests.picture_issue import make_issue

    books["pictures"] = build_clean(make_issue(tmp / "pictures-issue"), tmp / "pictures", ["epub"]).files["epub"]
    return books


def ace(epub: Path, out: Path) -> list[str]:
    """Ace's violations as "document: rule (impact)" lines."""
    command = [str(tool("@daisy/ace/bin/ace-puppeteer.js")), "--silent", "--force", "--outdir", str(out), str(epub)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=browser_env())
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return [f"{doc['earl:testSubject']['url']}: {a['earl:test']['dct:title']} ({a['earl:test']['earl:impact']})"
            for doc in report["assertions"] for a in doc["assertions"]]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    tool("@daisy/ace/bin/ace-puppeteer.js")
    tmp = tmp_path_factory.mktemp("ace")
    books = issues(tmp)
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = {name: pool.submit(ace, epub, tmp / f"report-{name}") for name, epub in books.items()}
        return {name: run.result() for name, run in runs.items()}


@pytest.mark.parametrize("name", ["sample", "seed-gb18030-crlf.txt", "seed-quirks.txt", "pictures"])
def test_ace_finds_no_violation(reports, name):
    assert reports[name] == []

