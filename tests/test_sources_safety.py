"""Issue folders are untrusted: nothing outside the folder is read or rewritten through a link,
and ``check --fix`` rewrites an editor's file in place, keeping its owner, mode and links.
Each reproduction of issue 16 runs the real command, ``python -m typeset``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from typeset.errors import SourceError
from typeset.sources import load

from conftest import ROOT


def huikan(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "typeset", *args], capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in done.stdout + done.stderr
    return done


def error_line(done: subprocess.CompletedProcess) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture
def outside(tmp_path) -> Path:
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("☆ 外部文件\n不该被读到,也不该被改写。\n", encoding="utf-8")
    return secret


def test_discovered_symlink_out_of_the_folder_is_refused(issue_copy, outside):
    link = issue_copy / "05-外部.txt"
    link.symlink_to(outside)
    done = huikan("check", str(issue_copy), "--fix")
    assert done.returncode == 2
    assert str(link) in error_line(done) and "文件夹之外" in error_line(done)
    assert outside.read_text(encoding="utf-8").endswith("不该被读到,也不该被改写。\n")


def test_symlink_inside_the_folder_is_read(issue_copy):
    (issue_copy / "drafts").mkdir()
    (issue_copy / "drafts" / "x.txt").write_text("☆ 内部\n正文。\n", encoding="utf-8")
    (issue_copy / "05-内部.txt").symlink_to(issue_copy / "drafts" / "x.txt")
    bulletin = load(issue_copy).bulletin
    assert [a.title for a in bulletin.articles()][-1] == "内部"
    assert bulletin.sections[-1].title == "内部"  # the link's own name gives the section title


def test_listed_symlink_out_of_the_folder_is_refused(issue_copy, outside):
    (issue_copy / "05-外部.txt").symlink_to(outside)
    toml = issue_copy / "issue.toml"
    seed = next(issue_copy.glob("000_*.txt")).name
    toml.write_text(f'sections = ["{seed}", "05-外部.txt"]\n' + toml.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SourceError, match="不在本期文件夹中") as info:
        load(issue_copy)
    assert info.value.path == toml and info.value.line == 1


def test_a_file_listed_twice_is_refused_at_its_line(issue_copy):
    toml = issue_copy / "issue.toml"
    seed = next(issue_copy.glob("000_*.txt")).name
    toml.write_text(f'sections = ["{seed}", "./{seed}"]\n' + toml.read_text(encoding="utf-8"), encoding="utf-8")
    done = huikan("check", str(issue_copy), "--fix")
    assert done.returncode == 2
    assert error_line(done).startswith(f"错误：{toml}:1: sections 中“{seed}”列了两次")
    assert "检查之后被改动" not in done.stdout + done.stderr


def test_a_link_to_a_sibling_section_is_refused(issue_copy):
    seed = next(issue_copy.glob("000_*.txt"))
    (issue_copy / "zz-副本.txt").symlink_to(seed.name)
    with pytest.raises(SourceError, match="同一个文件"):
        load(issue_copy)


# --- check --fix: only meaning-preserving edits, in place, with a backup -----------------------


def as_unprivileged() -> tuple[str, ...]:
    """Run the command without root's right to write read-only files, as an editor would."""
    if os.geteuid() != 0:
        return ()
    if not shutil.which("setpriv"):
        pytest.skip("setpriv (util-linux) is needed to drop root's DAC override")
    return ("setpriv", "--bounding-set", "-dac_override,-dac_read_search")


def huikan_as_editor(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [*as_unprivileged(), sys.executable, "-m", "typeset", *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in done.stdout + done.stderr
    return done


CONVENTIONS = (
    "☆ “两新”组织  党建工作\n"
    "作者：张三　　加入时间：2014年5月\n"
    "2019—2021年，1—8月，区委—街道—社区三级联动 ,共12人。\n"
)


def test_fix_keeps_word_spaces_and_ranges_and_prints_each_change(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(CONVENTIONS, encoding="utf-8")
    checked = huikan("check", str(path))
    assert {tuple(line.split()[:2]) for line in checked.stdout.splitlines()[:-1]} == {
        ("警告：t.txt:1:9", "word-space"), ("警告：t.txt:2:6", "word-space"), ("错误：t.txt:3:30", "halfwidth-punct")}
    fixed = huikan("check", str(path), "--fix")
    assert "t.txt:3:29  “ ,” → “，”" in fixed.stdout
    assert "t.txt：修正 1 处，原文已备份为 t.txt.bak" in fixed.stdout
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == CONVENTIONS.splitlines()[:2]  # the headline's and byline's gaps stay
    assert lines[2] == "2019—2021年，1—8月，区委—街道—社区三级联动，共12人。"
    assert (tmp_path / "t.txt.bak").read_text(encoding="utf-8") == CONVENTIONS


def test_backup_is_kept_once(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("你好,世界。\n", encoding="utf-8")
    huikan("check", str(path), "--fix")
    path.write_text("再改,一次。\n", encoding="utf-8")
    second = huikan("check", str(path), "--fix")
    assert "原文的备份保留在 t.txt.bak" in second.stdout
    assert (tmp_path / "t.txt.bak").read_text(encoding="utf-8") == "你好,世界。\n"
    assert path.read_text(encoding="utf-8") == "再改，一次。\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.txt", "t.txt.bak"]  # no temporary left


def test_fix_keeps_owner_mode_and_hard_links(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("☆ 题\n你好,世界。\n", encoding="utf-8")
    os.chmod(path, 0o640)
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)  # an editor's file, fixed by an administrator
    linked = tmp_path / "hard-link.txt.keep"
    os.link(path, linked)
    before = path.stat()
    done = huikan("check", str(path), "--fix")
    assert done.returncode == 0, done.stderr
    after = path.stat()
    assert (after.st_ino, after.st_uid, after.st_gid, after.st_mode) == (before.st_ino, before.st_uid, before.st_gid, before.st_mode)
    assert linked.read_text(encoding="utf-8") == "☆ 题\n你好，世界。\n"


def test_fix_never_rewrites_a_file_outside_through_a_link(tmp_path, outside):
    folder = tmp_path / "issue"
    folder.mkdir()
    link = folder / "t.txt"
    link.symlink_to(outside)
    done = huikan("check", str(link), "--fix")
    assert done.returncode == 2 and "文件夹之外" in error_line(done)
    assert outside.read_text(encoding="utf-8").endswith("不该被读到,也不该被改写。\n")
    assert sorted(p.name for p in folder.iterdir()) == ["t.txt"]


def test_read_only_source_gets_a_chinese_line_without_options_check_lacks(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "t.txt"
    path.write_text("你好,世界。\n", encoding="utf-8")
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        done = huikan_as_editor("check", str(path), "--fix")
    finally:
        folder.chmod(0o755)
    assert done.returncode == 2
    line = error_line(done)
    assert "只读" in line and str(path) in line and "--out" not in line
    assert path.read_text(encoding="utf-8") == "你好,世界。\n"
