"""Fault injection for ``huikan library``, as ``test_editions`` does for one build: ``kill -9`` at
several moments of a run (while issues are built, right after an edition was swapped in, while
pages and the index are written), then the edit is reverted and the library run again. Same input,
same bytes: the site must then be exactly the site of the unedited archive, every manifest line
true, and nothing a killed run left listed. Ctrl-C is one line and exit 130."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.library_archive import issue_toml, sample_articles, write_issue
from typeset.library import build_library
from typeset.library.fixity import MANIFEST, read_manifest
from typeset.library.state import STATE_FILE

pytestmark = pytest.mark.slow

ENV = dict(os.environ, SOURCE_DATE_EPOCH="1401408000")
EDITED = "2020-02"


def library_command(archive: Path, site: Path) -> list[str]:
    return [sys.executable, "-m", "typeset", "library", str(archive), "--out", str(site), "--jobs", "2"]


def editions(site: Path) -> dict[str, str]:
    """Every visible file of the site but the search index (its fragment names are content hashes,
    and it is checked by the manifest below)."""
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file() and not p.name.startswith(".")
            and not p.relative_to(site).as_posix().startswith("pagefind/")}


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def archive(tmp_path):
    articles = sample_articles()
    for number in (1, 2, 3):
        write_issue(tmp_path / "archive" / f"2020-{number:02d}", issue_toml(2020, number, number, number),
                    {"01-工作交流.txt": articles[number]})
    return tmp_path / "archive"


def edit(archive: Path, on: bool) -> None:
    section = archive / EDITED / "01-工作交流.txt"
    text = section.read_text(encoding="utf-8").replace("\n☆ 临时加的一篇\n补上的一段话。\n", "")
    section.write_text(text + ("\n☆ 临时加的一篇\n补上的一段话。\n" if on else ""), encoding="utf-8")


def swapped_in(site: Path, before: str):
    pdf = site / EDITED / f"{EDITED}.pdf"
    return lambda: pdf.is_file() and hashlib.sha256(pdf.read_bytes()).hexdigest() != before


def test_kill_9_at_any_moment_then_revert_gives_the_unedited_site(archive, tmp_path):
    site = tmp_path / "site"
    first = build_library(archive, site, workers=2)
    assert first.failures == [] and len(first.built) == 3
    reference = editions(site)
    original_pdf = reference[f"{EDITED}/{EDITED}.pdf"]
    moments = [("building", lambda: any(site.glob(f"{EDITED}/.{EDITED}.*.tmp"))),
               ("swapped in", swapped_in(site, original_pdf)),
               ("a little later", None)]
    for name, moment in moments:
        edit(archive, on=True)
        run = subprocess.Popen(library_command(archive, site), env=ENV,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if moment is None:
                wait_until(swapped_in(site, original_pdf), 120)
                time.sleep(0.4)
            else:
                wait_until(moment, 120)
        finally:
            run.send_signal(signal.SIGKILL)
            run.wait(timeout=60)
        edit(archive, on=False)
        again = build_library(archive, site, workers=2)
        assert again.failures == [], (name, again.failures)
        assert editions(site) == reference, name  # the killed run's editions never pass as current
        manifest = read_manifest(site / MANIFEST)
        assert all(hashlib.sha256((site / path).read_bytes()).hexdigest() == digest
                   for path, digest in manifest.items()), name
        assert not [path for path in manifest if "/." in f"/{path}" and path not in (STATE_FILE,)
                    and not path.startswith(".huikan")], name
        assert not list(site.rglob("*.tmp")) and not list(site.rglob(".cover-full.png")), name


def test_ctrl_c_is_one_line_and_exit_130(archive, tmp_path):
    site = tmp_path / "site"
    run = subprocess.Popen(library_command(archive, site), env=ENV, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    started = wait_until(lambda: any(site.glob("*/.*.tmp")), 120)
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=120)
    assert started, "the library never started building"
    assert run.returncode == 130, stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr


def test_ctrl_c_while_warming_up_is_one_line_too(archive, tmp_path):
    run = subprocess.Popen(library_command(archive, tmp_path / "site"), env=ENV, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    wait_until(lambda: (tmp_path / "site" / ".huikan-site").exists(), 60)  # the run has begun
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 130, stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr


@pytest.mark.parametrize("name", ["2026-02", "2026 02 草稿"])
def test_an_issue_the_check_stops_names_the_check_to_run_and_no_force(tmp_path, monkeypatch, name):
    """The library has no --force: its failure line says which huikan check to run, from here."""
    from typeset.library.workers import Job, build_issue

    archive = tmp_path / "文库"
    write_issue(archive / "2026" / name, issue_toml(2026, 2, 2, 2), {"01-工作交流.txt": "☆ 标题\n会议很成功,大家很满意,一致通过.\n"})
    monkeypatch.chdir(tmp_path)
    outcome = build_issue(Job("2026-02", archive / "2026" / name, tmp_path / "site" / "2026-02"))
    shown = f'"文库/2026/{name}"' if " " in name else f"文库/2026/{name}"
    assert outcome.error == f"发现 3 处必须修改的错误，这一期没有排版。请运行 huikan check {shown} 查看并修改。", outcome.error
    assert not (tmp_path / "site" / "2026-02").exists() or not any((tmp_path / "site" / "2026-02").iterdir())


def test_findings_of_a_built_issue_are_labelled_like_every_finding(tmp_path):
    """The check's findings of an issue the library built read 警告：folder：file:line … (they
    were labelled 提示, which the README keeps for notes)."""
    from typeset.library.site import _placed
    from typeset.library.workers import Job, build_issue

    archive = tmp_path / "文库"
    write_issue(archive / "2026-02", issue_toml(2026, 2, 2, 2), {"01-工作交流.txt": "☆ 标题\n会议 很成功。\n"})
    outcome = build_issue(Job("2026-02", archive / "2026-02", tmp_path / "site" / "2026-02"))
    assert outcome.error is None and outcome.findings, outcome
    assert all(f.startswith("警告：01-工作交流.txt:") for f in outcome.findings), outcome.findings
    assert _placed(outcome.findings[0], "2026-02").startswith("警告：2026-02：01-工作交流.txt:")
