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
    assert [a.title for a in load(issue_copy).bulletin.articles()][-1] == "内部"


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
