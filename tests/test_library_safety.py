"""``huikan library`` against a hostile site folder and library.toml: links planted in the site are
replaced, never written through; library.toml is checked like issue.toml; a hand-edited state file
removes only the library's own files; a killed run leaves no worker behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.library_archive import issue_toml, sample_articles, write_issue
from typeset.errors import ConfigError, OutputError
from typeset.library import build_library
from typeset.library.archive import read_settings
from typeset.library.pages import write_if_changed
from typeset.library.state import STATE_FILE
from typeset.outputs import replace_file

pytestmark = pytest.mark.slow

ISSUE = "2016-01"


def built_library(archive: Path, site: Path, **kwargs):
    result = build_library(archive, site, **kwargs)
    assert result.warnings == [] and result.failures == [], (result.warnings, result.failures)
    return result


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A one-issue archive built into a site where links to outside were planted beforehand."""
    root = tmp_path_factory.mktemp("planted")
    write_issue(root / "archive" / "01", issue_toml(2016, 1, 1, 1), {"01-工作交流.txt": sample_articles()[1]})
    outside, site = root / "outside", root / "site"
    (outside / "editions").mkdir(parents=True)
    (outside / "bundle").mkdir()
    site.mkdir()
    (site / ".huikan-site").write_text("made by huikan library\n", encoding="utf-8")  # the library's own site
    for name in ("victim.html", "victim.json"):
        (outside / name).write_text("不能被改写", encoding="utf-8")
    (site / "search.html").symlink_to(outside / "victim.html")
    (site / STATE_FILE).symlink_to(outside / "victim.json")
    (site / "feed.xml").symlink_to(outside / "newdir" / "x" / "feed.xml")  # dangling
    (site / ISSUE).symlink_to(outside / "editions")
    (site / "pagefind").symlink_to(outside / "bundle")
    result = built_library(root / "archive", site, workers=1)
    return root / "archive", site, outside, result


def test_planted_links_are_replaced_and_their_targets_left_alone(planted):
    _, site, outside, result = planted
    assert result.built == [ISSUE]
    assert (outside / "victim.html").read_text(encoding="utf-8") == "不能被改写"
    assert (outside / "victim.json").read_text(encoding="utf-8") == "不能被改写"
    assert not (outside / "newdir").exists()
    assert list((outside / "editions").iterdir()) == [] and list((outside / "bundle").iterdir()) == []
    for name in ("search.html", STATE_FILE, "feed.xml", ISSUE, "pagefind"):
        assert not (site / name).is_symlink(), name
    assert "<html" in (site / "search.html").read_text(encoding="utf-8")
    assert {f"{ISSUE}.pdf", f"{ISSUE}.epub", "cover.png", "index.html"} <= {p.name for p in (site / ISSUE).iterdir()}
    assert (site / "pagefind" / "pagefind.js").is_file()


def test_a_link_with_the_same_bytes_is_replaced_too(tmp_path):
    (tmp_path / "victim").write_bytes(b"same")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").symlink_to(tmp_path / "victim")
    assert write_if_changed(tmp_path / "site", "index.html", b"same")
    assert not (tmp_path / "site" / "index.html").is_symlink()
    assert not write_if_changed(tmp_path / "site", "index.html", b"same")


def test_replace_file_creates_no_folder_through_a_link(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "site" / "opds").symlink_to(tmp_path / "elsewhere")
    replace_file(tmp_path / "site", "opds/2016.xml", b"<feed/>")
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert (tmp_path / "site" / "opds" / "2016.xml").read_bytes() == b"<feed/>"


def test_a_file_where_a_folder_belongs_is_kept_and_named(tmp_path):
    (tmp_path / "opds").write_text("the user's own file", encoding="utf-8")
    with pytest.raises(OutputError, match="不是文件夹"):
        replace_file(tmp_path, "opds/2016.xml", b"<feed/>")
    assert (tmp_path / "opds").read_text(encoding="utf-8") == "the user's own file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["opds"]


def test_an_issue_reached_through_a_link_is_not_current(tmp_path):
    from typeset.library.state import SiteState

    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / f"{ISSUE}.pdf").write_bytes(b"%PDF")
    (tmp_path / ISSUE).symlink_to(tmp_path / "elsewhere")
    import hashlib
    state = SiteState({ISSUE: {"digest": "d", "files": {"pdf": f"{ISSUE}/{ISSUE}.pdf"},
                               "sha256": {f"{ISSUE}/{ISSUE}.pdf": hashlib.sha256(b"%PDF").hexdigest()}}})
    assert not state.is_current(ISSUE, "d", tmp_path)  # rebuilt into a real folder
    (tmp_path / ISSUE).unlink()
    (tmp_path / "elsewhere").rename(tmp_path / ISSUE)
    assert state.is_current(ISSUE, "d", tmp_path)


def test_a_forged_state_entry_removes_only_the_librarys_own_files(planted):
    archive, site, _, _ = planted
    forged = site / "2020-01"
    forged.mkdir()
    (forged / "2020-01.pdf").write_bytes(b"%PDF")
    (forged / "会员名单.docx").write_bytes(b"the user's own file")
    state = json.loads((site / STATE_FILE).read_text(encoding="utf-8"))
    state["issues"]["2020-01"] = {"digest": "x", "source": "gone",
                                  "files": {"pdf": "2020-01/2020-01.pdf", "doc": "2020-01/会员名单.docx"}}
    (site / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    again = built_library(archive, site, workers=1)
    assert again.reused == [ISSUE]
    assert [p.name for p in forged.iterdir()] == ["会员名单.docx"]
    assert "2020-01" not in json.loads((site / STATE_FILE).read_text(encoding="utf-8"))["issues"]


# --- library.toml ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, line, expected", [
    ('title = "文库\x1b[31m"\n', 1, "U+001B"),
    ('title = "文库"\ndescription = "简介\\u0000"\n', 2, "“description”（网站简介）里有不可见的控制字符 U+0000"),
    ('title = "文库"\nbase_url = "javascript:alert(1)"\n', 2, "以 http:// 或 https:// 开头"),
    ('base_url = "ftp://example.org/"\n', 1, "以 http:// 或 https:// 开头"),
    ('title = “会刊文库”\n', 1, "中文引号"),
    ('title = 2016\n', 1, "应为文字"),
    ('title = " "\n', 1, "不能是空的"),
])
def test_library_toml_mistakes_are_one_chinese_line_at_their_line(tmp_path, text, line, expected):
    (tmp_path / "library.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_settings(tmp_path / "library.toml")
    assert caught.value.line == line and expected in caught.value.message
    assert "\n" not in str(caught.value) and "library.toml" in str(caught.value)


def test_a_base_url_without_a_trailing_slash_gets_one(tmp_path):
    (tmp_path / "library.toml").write_text('base_url = "http://example.org/huikan"\n', encoding="utf-8")
    assert read_settings(tmp_path / "library.toml").base_url == "http://example.org/huikan/"


# --- workers ------------------------------------------------------------------------------------

def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.name.isdigit() and int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def wait_for(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    return condition()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_the_library_leaves_no_worker_behind(tmp_path):
    articles = sample_articles()
    for number in (1, 2):
        write_issue(tmp_path / "archive" / f"{number:02d}", issue_toml(2016, number, number, number),
                    {"01-工作交流.txt": articles[number]})
    command = [sys.executable, "-m", "typeset", "library", str(tmp_path / "archive"), "--out", str(tmp_path / "site"),
               "--jobs", "2"]
    library = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        workers = wait_for(lambda: children(library.pid) if len(children(library.pid)) >= 2 else set(), 60)
        assert len(workers) >= 2, "the pool never started"
    finally:
        library.send_signal(signal.SIGKILL)
        library.wait()
    wait_for(lambda: not any(alive(pid) for pid in workers), 10)
    survivors = [pid for pid in workers if alive(pid)]
    for pid in survivors:  # a failing run must not leave them behind either
        os.kill(pid, signal.SIGKILL)
    assert survivors == []
