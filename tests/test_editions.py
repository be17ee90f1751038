"""All-or-nothing editions: a build that fails, is interrupted or killed never leaves a mixed
set; output symlinks are replaced, not written through; a source named like an edition is never
overwritten; what a killed build left is cleaned up by the next one."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from typeset.build import build
from typeset.errors import OutputError
from typeset.outputs import COMPLETE, EditionSet, _hold, remove_stale
from typeset.resources import sample_issue_dir
from typeset.writers import WRITERS, Writer, register, writers

from conftest import ROOT, build_clean

ENV = dict(os.environ, SOURCE_DATE_EPOCH="1401408000", PYTHONPATH=str(ROOT))
TINY = "☆ 标题\n正文一段。\n"
FORMATS = ("-f", "html,pdf,epub")


def huikan(*args, cwd=None) -> list[str]:
    return [sys.executable, "-m", "typeset", *map(str, args)]


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(huikan(*args), capture_output=True, text=True, cwd=cwd, env=ENV, timeout=300)


def digest(folder: Path) -> dict[str, str]:
    """Every entry of ``folder`` (hidden ones included): name → content hash or link target."""
    found = {}
    for path in sorted(folder.iterdir()):
        if path.is_symlink():
            found[path.name] = "→" + os.readlink(path)
        elif path.is_dir():
            found[path.name + "/"] = "dir"
        else:
            found[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def tiny_issue(tmp_path: Path) -> Path:
    source = tmp_path / "tiny.txt"
    source.write_text(TINY, encoding="utf-8")
    return source


def test_kill_9_at_any_moment_never_leaves_a_mixed_set(tmp_path):
    source = tiny_issue(tmp_path)
    common = (source, *FORMATS, "--date", "2014-05-30")
    out, reference = tmp_path / "out", tmp_path / "reference"
    builds = [subprocess.Popen(huikan("build", *common, "-o", folder, "--title", title), env=ENV,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
              for folder, title in ((out, "甲刊"), (reference, "乙刊"))]
    assert [b.wait(timeout=120) for b in builds] == [0, 0]
    old, new = digest(out), digest(reference)
    assert set(old) == set(new) and all(old[name] != new[name] for name in old)
    for delay in (0.3, 0.9, 1.5, 2.1):
        process = subprocess.Popen(huikan("build", *common, "-o", out, "--title", "乙刊"), env=ENV,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        visible = {name: value for name, value in digest(out).items() if not name.startswith(".")}
        assert visible in (old, new), (delay, visible)
    finished = run("build", *common, "-o", out, "--title", "乙刊")
    assert finished.returncode == 0, finished.stderr
    assert digest(out) == new  # the killed builds' staging folders are gone


def test_ctrl_c_prints_one_line_exits_130_and_changes_nothing(tmp_path, issue_copy):
    """Ctrl-C while the editions are being written (the staging folder exists): not after a
    fixed delay, which a fast machine outran (the build had finished)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "2014-05.html").write_text("上次的结果\n", encoding="utf-8")
    before = digest(out)
    process = subprocess.Popen(huikan("build", issue_copy, *FORMATS, "-o", out), env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(path.name.startswith(".2014-05.") for path in out.iterdir()):
        assert process.poll() is None and time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines() == ["已中止：没有写出任何文件。"]
    assert digest(out) == before


def test_a_failing_writer_leaves_the_earlier_set(tmp_path, issue_copy):
    out = tmp_path / "out"
    build_clean(issue_copy, out, ["html"])
    before = digest(out)
    (issue_copy / "issue.toml").write_text((issue_copy / "issue.toml").read_text(encoding="utf-8")
                                           .replace("两新党建", "新刊名"), encoding="utf-8")

    def fail(ctx):
        (ctx.out_dir / "half-written").write_bytes(b"x")
        raise OutputError("磁盘已满。", ctx.out_dir)

    writers()
    register(Writer("broken", "坏的", fail))
    try:
        with pytest.raises(OutputError):
            build(issue_copy, out, ["html", "broken"])
    finally:
        WRITERS.pop("broken")
    assert digest(out) == before


def test_strict_decides_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    result = run("build", sample_issue_dir(), "-f", "html", "-o", out, "--strict")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("错误：有 5 条警告或校对提示")
    assert not out.exists()


def test_symlinks_named_like_editions_are_replaced_not_written_through(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.html"
    victim.write_text("别人的文件\n", encoding="utf-8")
    for target in (tmp_path / "nowhere" / "deep" / "x.html", victim):  # dangling, then pointing out
        (out / "2014-05.html").symlink_to(target)
        result = run("build", tiny_issue(tmp_path), "-f", "html", "-o", out, "--date", "2014-05-30")
        assert result.returncode == 0, result.stderr
        assert not (out / "2014-05.html").is_symlink() and (out / "2014-05.html").stat().st_size > 1000
        (out / "2014-05.html").unlink()
    assert victim.read_text(encoding="utf-8") == "别人的文件\n"
    assert not (tmp_path / "nowhere").exists()


def test_a_source_named_like_an_edition_is_never_overwritten(tmp_path, issue_copy):
    section = issue_copy / "2014-05.html"
    shutil.move(next(issue_copy.glob("*.txt")), section)
    toml = issue_copy / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\nsections = ["2014-05.html"]\n', encoding="utf-8")
    before = digest(issue_copy)
    result = run("build", issue_copy, "-f", "html", "-o", issue_copy)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "2014-05.html" in lines[0] and "同名" in lines[0], result.stderr
    assert digest(issue_copy) == before


def test_a_cover_that_is_no_image_stops_the_build_before_writing(tmp_path, issue_copy):
    (issue_copy / "封面.jpg").write_text("这不是图片\n", encoding="utf-8")
    toml = issue_copy / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\ncover = "封面.jpg"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", issue_copy, "-f", "html,epub", "-o", out)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "封面.jpg" in lines[0] and "不是有效的" in lines[0], result.stderr
    assert not out.exists()


def test_the_next_build_finishes_or_removes_what_a_killed_one_left(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "2014-05.html").write_text("旧\n", encoding="utf-8")
    (out / "2014-05.pdf").write_text("旧\n", encoding="utf-8")
    complete = out / ".2014-05.done.tmp"  # killed during its swap: the PDF was still to move
    complete.mkdir()
    (complete / "2014-05.pdf").write_text("新\n", encoding="utf-8")
    (complete / COMPLETE).touch()
    unfinished = out / ".2014-05.half.tmp"
    unfinished.mkdir()
    (unfinished / "2014-05.epub").write_text("半截\n", encoding="utf-8")
    (out / ".2014-05.html.x1y2.tmp").write_text("半截\n", encoding="utf-8")
    busy = out / ".2014-05.busy.tmp"  # another build still writing
    busy.mkdir()
    lock = _hold(busy)
    try:
        remove_stale(out, "2014-05")
    finally:
        os.close(lock)
    assert digest(out) == {".2014-05.busy.tmp/": "dir", "2014-05.html": digest(out)["2014-05.html"],
                           "2014-05.pdf": hashlib.sha256("新\n".encode()).hexdigest()}


def test_edition_set_cleans_up_its_staging_folder_on_failure(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with EditionSet(tmp_path, "2014-05") as editions:
            (editions.staging / "2014-05.html").write_text("新\n", encoding="utf-8")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_build_replaces_the_whole_edition_set_of_its_issue(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("2014-05-印厂版.pdf", "2014-05.epub", "2014-04.pdf", "说明.txt"):
        (out / name).write_bytes(b"old")
    result = run("build", tiny_issue(tmp_path), "-f", "html", "-o", out, "--date", "2014-05-30")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["2014-04.pdf", "2014-05.html", "说明.txt"]  # -o: no marker
    removed = [line for line in result.stdout.splitlines() if line.startswith("已删除上次排版留下")]
    assert removed == ["已删除上次排版留下、与本次内容不一致的旧文件：2014-05-印厂版.pdf、2014-05.epub"], result.stdout


def test_editions_of_another_live_source_are_not_replaced_without_force(tmp_path):
    first, second = tmp_path / "a" / "tiny.txt", tmp_path / "b" / "tiny.txt"
    for source in (first, second):
        source.parent.mkdir()
        source.write_text(TINY, encoding="utf-8")
    out = tmp_path / "output" / "2014-05"  # the default output folder, where the source is recorded

    def build_from(source, *options):
        return run("build", source, "-f", "html", "--date", "2014-05-30", *options, cwd=tmp_path)

    assert build_from(first).returncode == 0
    before = digest(out)
    assert ".2014-05.source" in before
    refused = build_from(second)
    lines = refused.stderr.strip().splitlines()
    assert refused.returncode != 0 and len(lines) == 1 and "另一份源稿" in lines[0] and "--force" in lines[0], refused.stderr
    assert digest(out) == before
    assert build_from(first).returncode == 0  # the same source
    assert build_from(second, "--force").returncode == 0
    moved = (tmp_path / "b").rename(tmp_path / "c") / "tiny.txt"  # a renamed source is the same source
    assert build_from(moved).returncode == 0


def test_an_edition_made_from_the_same_sources_and_settings_is_kept_and_listed(tmp_path, monkeypatch):
    """-f epub after a full build keeps the print and archive PDFs and the page; --press keeps
    the plain PDF; a changed text or setting removes what is stale."""
    folder = tmp_path / "2014-05"
    folder.mkdir()
    (folder / "issue.toml").write_text('title = "协会通讯"\nyear = 2014\nnumber = 5\ndate = 2014-05-30\n'
                                       'publisher = "秘书处"\n', encoding="utf-8")
    (folder / "01-工作交流.txt").write_text(TINY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "output" / "2014-05"
    build_clean(folder, None, ["html", "pdf", "archive"])
    earlier = digest(out)
    epub = build_clean(folder, None, ["epub"])
    assert sorted(p.name for p in epub.kept) == ["2014-05-存档.pdf", "2014-05.html", "2014-05.pdf"] and epub.removed == []
    assert all(digest(out)[name] == earlier[name] for name in ("2014-05-存档.pdf", "2014-05.html", "2014-05.pdf"))
    press = build_clean(folder, None, ["pdf"], press=True)
    assert "2014-05.pdf" in [p.name for p in press.kept] and (out / "2014-05-印厂版.pdf").is_file()

    retitled = build_clean(folder, None, ["html"], metadata={"title": "另一个刊名"})
    assert retitled.kept == [] and len(retitled.removed) == 4  # the settings changed: every other edition is stale
    build_clean(folder, None, ["html", "pdf"])
    (folder / "01-工作交流.txt").write_text(TINY + "又一段。\n", encoding="utf-8")
    changed = build_clean(folder, None, ["epub"])
    assert changed.kept == [] and sorted(p.name for p in changed.removed) == ["2014-05.html", "2014-05.pdf"]
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["2014-05.epub"]


def test_the_build_lists_the_editions_it_kept(tmp_path):
    folder = tmp_path / "2014-05"
    shutil.copytree(sample_issue_dir(), folder)
    assert run("build", folder, "-f", "html", cwd=tmp_path).returncode == 0
    result = run("build", folder, "-f", "epub", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "保留上次排版的文件（源稿和设置与本次完全相同）：output/2014-05/2014-05.html" in result.stdout.splitlines()
    assert (tmp_path / "output" / "2014-05" / "2014-05.html").is_file()


def test_the_press_edition_is_announced_as_the_print_shops(tmp_path):
    """--press writes 2014-05-印厂版.pdf: its line says 印厂版, not the plain 印刷 PDF."""
    result = run("build", tiny_issue(tmp_path), "-f", "pdf", "--press", "--year", "2014", "--number", "5",
                 "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.endswith(".pdf")]
    assert lines == [f"印厂版 PDF：{tmp_path / 'out' / '2014-05-印厂版.pdf'}"], result.stdout


def test_the_recipe_covers_pictures_and_settings_but_not_what_the_build_does_not_read(tmp_path):
    from PIL import Image

    from typeset.recipe import recipe_of
    from typeset.sources import load

    folder = tmp_path / "2014-05"
    folder.mkdir()
    (folder / "issue.toml").write_text('title = "协会通讯"\nyear = 2014\nnumber = 5\ndate = 2014-05-30\n'
                                       'publisher = "秘书处"\n', encoding="utf-8")
    (folder / "01-工作交流.txt").write_text(TINY + "【图】imgs/会场.png 会场\n", encoding="utf-8")
    (folder / "imgs").mkdir()
    Image.new("RGB", (900, 600), "#c33").save(folder / "imgs" / "会场.png")
    first = recipe_of(load(folder).bulletin)
    (folder / "output" / "2014-05").mkdir(parents=True)
    (folder / "output" / "2014-05" / "2014-05.pdf").write_bytes(b"%PDF")
    (folder / "笔记.md").write_text("校对笔记\n", encoding="utf-8")
    assert recipe_of(load(folder).bulletin) == first
    assert recipe_of(load(folder, {"title": "另一个刊名"}).bulletin) != first
    Image.new("RGB", (900, 600), "#33c").save(folder / "imgs" / "会场.png")
    assert recipe_of(load(folder).bulletin) != first
