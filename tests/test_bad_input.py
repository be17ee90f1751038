"""Bad input through the real command: one Chinese line on stderr naming the file, a non-zero
exit, no traceback, and nothing written. And a property test: no text breaks the reader or the
renderer, and no character the editor wrote is lost."""

from __future__ import annotations

import datetime as dt
import hashlib
import html as htmllib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from typeset.model import Bulletin, IssueMeta, Section
from typeset.render import render_master
from typeset.resources import sample_issue_dir
from typeset.sources import number_nodes
from typeset.sources.text import read_articles

from conftest import ROOT, first_missing, visible_chars

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative name → content hash)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run_build(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1401408000", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "typeset", "build", *args, "--format", "html"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def issue(tmp_path: Path, edit=None) -> Path:
    """A copy of the sample issue with ``edit(issue.toml text) → text`` applied."""
    folder = tmp_path / "issue"
    shutil.copytree(sample_issue_dir(), folder)
    if edit is not None:
        toml = folder / "issue.toml"
        toml.write_text(edit(toml.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def replace_line(key: str, new: str):
    return lambda text: re.sub(rf"(?m)^{key} *=.*$", new, text)


def drop_line(key: str):
    return lambda text: re.sub(rf"(?m)^{key} *=.*\n", "", text)


def bad_text_file(content: bytes):
    def make(tmp_path: Path) -> Path:
        path = tmp_path / "input.txt"
        path.write_bytes(content)
        return path
    return make


def bad_issue(edit):
    return lambda tmp_path: issue(tmp_path, edit)


# case id → (make the input, extra args, what stderr must name besides the Chinese text)
CASES = {
    "missing-path": (lambda tmp: tmp / "不存在.txt", (), ["不存在.txt"]),
    "empty-file": (bad_text_file(b" \n\t\r\n\xe3\x80\x80\n"), (), ["input.txt", "空"]),
    "binary-file": (bad_text_file(bytes(range(256)) * 20), (), ["input.txt", "二进制"]),
    "latin-1-german": (bad_text_file("Grüße aus München, schöne Straße und Bäume.\n".encode("latin-1")), (),
                       ["input.txt", "编码"]),
    "toml-syntax": (bad_issue(replace_line("year", "year = = 2014")), (), ["issue.toml:3", "格式错误"]),
    "toml-missing-year": (bad_issue(drop_line("year")), (), ["issue.toml", "year"]),
    "toml-wrong-type": (bad_issue(replace_line("number", 'number = "五"')), (), ["issue.toml:4", "number"]),
    "unknown-style": (bad_issue(replace_line("style", 'style = "nope"')), (), ["issue.toml", "nope"]),
    "missing-cover": (bad_issue(lambda text: text + '\ncover = "missing.jpg"\n'), (),
                      ["issue.toml", "missing.jpg"]),
    "unwritable-out": (lambda tmp: issue(tmp), ("--out", "file.txt/out"), ["file.txt"]),
}

@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_one_line_no_traceback_nothing_written(tmp_path, case):
    make, extra, names = CASES[case]
    source = make(tmp_path)
    (tmp_path / "file.txt").write_text("一个普通文件\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "earlier.html").write_text("上次的结果\n", encoding="utf-8")
    before = snapshot(tmp_path)
    args = extra if extra else ("--out", str(out))
    result = run_build(tmp_path, str(source), *args)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 1, result.stderr
    assert CHINESE.search(lines[0]), lines[0]
    missing = [name for name in names if name not in lines[0]]
    assert not missing, lines[0]
    assert snapshot(tmp_path) == before


def test_a_200000_character_line_builds(tmp_path):
    source = tmp_path / "long.txt"
    body = "长" * 100_000 + "段" * 100_000
    source.write_text(f"☆ 很长的一段\n{body}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_build(tmp_path, str(source), "--out", str(out), "--title", "会刊", "--publisher", "秘书处")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    (html_file,) = out.glob("*.html")
    assert body in html_file.read_text(encoding="utf-8").replace("\u2060", "")  # word joiners are layout hints


# --- property: arbitrary text never breaks the reader or the renderer, and loses nothing -------

META = IssueMeta(title="会刊", year=2014, number=5, serial=None, date=dt.date(2014, 5, 30), publisher="秘书处")
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
LINES = st.lists(st.sampled_from(["☆ 标题", "一、小标题", "一是导语。正文", "*条目", "1、动态", "2、动态", "",
                                  "  \u3000缩进", "正文。", "<b>&amp;</b>", "\u00a0☆\u3000"]) | TEXT, max_size=12)


def main_text(html: str) -> str:
    main = html[html.index("<main"):html.index("</main>")]
    return htmllib.unescape(re.sub(r"<[^>]+>", "", main))


def render_text(text: str) -> str:
    sections = number_nodes((Section("", read_articles(text, "t.txt"), "t.txt"),))
    return render_master(Bulletin(META, sections)).html


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(TEXT, LINES.map("\n".join)))
def test_any_text_renders_and_keeps_every_character(text):
    html = render_text(text)
    expected = visible_chars(text, drop="☆*＊")
    got = visible_chars(main_text(html), drop="")
    missing = first_missing(expected, got)
    assert missing == -1, (expected[missing:][:20], got[:200])
