"""``huikan library`` against hostile archives and a site folder that belongs to the user (issue 25):
an issue folder cannot change the site's pages; a folder the library did not make is refused,
untouched; only files the library recorded are ever removed; editions in the site that are not
the bytes the library wrote are built again; one failing issue never stops the others."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.library_archive import issue_toml, sample_articles, write_issue
from typeset.errors import ConfigError, OutputError, SourceError
from typeset.library import build_library
from typeset.library.fixity import MANIFEST, read_manifest
from typeset.library.state import MARKER, STATE_FILE, load_state
from typeset.resources import templates_dir

pytestmark = pytest.mark.slow

SCRIPT = "<script>alert(document.domain)</script>"
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1401408000")


def two_issues(archive: Path, years=(2020, 2020)) -> Path:
    articles = sample_articles()
    for number, year in enumerate(years, 1):
        write_issue(archive / f"{year}-{number:02d}", issue_toml(year, number, number, number),
                    {"01-工作交流.txt": articles[number]})
    return archive


def clean(result):
    assert result.warnings == [] and result.failures == [], (result.warnings, result.failures)
    return result


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two issues of 2020 and their site, built once; tests change copies of both."""
    root = tmp_path_factory.mktemp("hostile")
    archive = two_issues(root / "archive")
    clean(build_library(archive, root / "site", workers=2))
    return archive, root / "site"


@pytest.fixture
def copy(built, tmp_path):
    archive, site = built
    return shutil.copytree(archive, tmp_path / "archive"), shutil.copytree(site, tmp_path / "site", symlinks=True)


# --- critical 1: an issue folder cannot change the site's pages ---------------------------------

def test_an_issue_folders_templates_never_reach_the_site(tmp_path):
    archive = two_issues(tmp_path / "archive")
    issue = archive / "2020-02"
    for name in ("library/issue.html.j2", "library/base.html.j2", "macros.html.j2", "master.html.j2"):
        (issue / "templates" / name).parent.mkdir(parents=True, exist_ok=True)
        bundled = (templates_dir() / name).read_text(encoding="utf-8")  # still works, with a script added
        title = "" if name == "macros.html.j2" else "{{ meta.title }}"  # macros are imported without context
        (issue / "templates" / name).write_text(SCRIPT + title + bundled, encoding="utf-8")
    (issue / "02-附言.txt").write_text(f"☆ 附言 {SCRIPT}\n正文里写着 {SCRIPT} 这样的字。\n", encoding="utf-8")
    result = build_library(archive, tmp_path / "site", workers=1)
    assert result.built == ["2020-01", "2020-02"] and result.failures == []
    pages = {p: p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html")}
    assert pages and not [p for p, text in pages.items() if "<script>alert" in text]
    page = pages[tmp_path / "site" / "2020-02" / "index.html"]
    assert "&lt;script&gt;alert(document.domain)&lt;/script&gt;" in page and "回到目录" in page
    assert not (tmp_path / "site" / "2020-02" / "2020-02.html").exists()  # no HTML edition on the site
    for feed in ("feed.xml", "opds.xml", "opds/2020.xml"):
        assert "<script>" not in (tmp_path / "site" / feed).read_text(encoding="utf-8")


def test_the_site_renders_through_the_sandbox_from_its_own_templates_only(tmp_path):
    from typeset import sandbox

    with pytest.raises(ValueError):
        sandbox.library_environment([tmp_path])
    env = sandbox.environment([tmp_path], tmp_path)  # an issue's environment
    with pytest.raises(ValueError):
        sandbox.render_library(env, "library/search.html.j2")


# --- critical 2 and 3: the user's files ---------------------------------------------------------

def test_a_folder_holding_the_users_files_is_refused_untouched(built, tmp_path):
    archive, _ = built
    site = tmp_path / "mine"
    for name in ("index.html", "search.html", "feed.xml", "pagefind/mine.txt"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(f"用户自己的 {name}\n", encoding="utf-8")
    before = snapshot(site)
    with pytest.raises(OutputError, match="不是 huikan library 生成的网站") as caught:
        build_library(archive, site, workers=1)
    assert "\n" not in str(caught.value)
    assert snapshot(site) == before and sorted(p.name for p in site.iterdir()) == sorted(
        ["index.html", "search.html", "feed.xml", "pagefind"])


def test_the_cli_refuses_in_one_chinese_line(built, tmp_path):
    archive, _ = built
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "index.html").write_text("mine", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "typeset", "library", str(archive), "--out", str(tmp_path / "mine")],
                          capture_output=True, text=True, timeout=120, env=ENV)
    assert done.returncode != 0 and done.returncode != 70
    assert len(done.stderr.strip().splitlines()) == 1 and "错误：" in done.stderr
    assert (tmp_path / "mine" / "index.html").read_text(encoding="utf-8") == "mine"


def test_a_new_or_empty_folder_is_marked_and_stays_the_librarys(built):
    _, site = built
    assert (site / MARKER).is_file()


def test_only_recorded_files_leave_with_their_year(tmp_path):
    archive = two_issues(tmp_path / "archive", years=(2020, 2021))
    site = tmp_path / "site"
    clean(build_library(archive, site, workers=1))
    scanned = site / "合订本" / "老会刊2020年合订本（纸质扫描版）.pdf"
    scanned.write_bytes(b"%PDF-1.4 the secretariat's scan\n")
    (site / "pagefind" / "mine.txt").write_text("用户的说明\n", encoding="utf-8")
    (site / "2020-01" / "会员名单.docx").write_bytes(b"the user's own file")
    own_volume = site / "合订本" / "两新党建2020年合订本.pdf"
    assert own_volume.is_file()
    shutil.rmtree(archive / "2020-01")
    clean(build_library(archive, site, workers=1))
    assert scanned.read_bytes() == b"%PDF-1.4 the secretariat's scan\n"
    assert (site / "pagefind" / "mine.txt").is_file() and (site / "2020-01" / "会员名单.docx").is_file()
    assert not own_volume.exists() and not (site / "2020-01" / "2020-01.pdf").exists()
    assert (site / "合订本" / "两新党建2021年合订本.pdf").is_file()
    listed = read_manifest(site / MANIFEST)
    assert not [name for name in listed if "mine" in name or "扫描" in name or "会员名单" in name]


# --- major: laundering, leftovers of a killed run ------------------------------------------------

def test_an_edition_copied_over_another_is_built_again(copy):
    archive, site = copy
    original = sha(site / "2020-02" / "2020-02.pdf")
    shutil.copy(site / "2020-01" / "2020-01.pdf", site / "2020-02" / "2020-02.pdf")
    with open(site / "2020-01" / "index.html", "a", encoding="utf-8") as page:
        page.write(SCRIPT)
    result = build_library(archive, site, workers=1)
    assert result.built == ["2020-02"] and result.reused == ["2020-01"]
    assert [w for w in result.warnings if "网站里的版本与上次生成的不一致" in w and "2020-02" in w]
    assert sha(site / "2020-02" / "2020-02.pdf") == original
    assert SCRIPT not in (site / "2020-01" / "index.html").read_text(encoding="utf-8")
    manifest = read_manifest(site / MANIFEST)
    assert all(sha(site / name) == digest for name, digest in manifest.items())


def test_a_volume_replaced_by_another_file_is_bound_again(copy):
    archive, site = copy
    volume = site / "合订本" / "两新党建2020年合订本.pdf"
    original = sha(volume)
    shutil.copy(site / "2020-01" / "2020-01.pdf", volume)
    result = clean(build_library(archive, site, workers=1))
    assert volume in result.changed and sha(volume) == original


def test_leftovers_of_a_killed_run_are_cleaned_and_never_listed(copy):
    archive, site = copy
    staging = site / "2020-01" / ".2020-01.k1ll3d.tmp"
    staging.mkdir()
    (staging / "2020-01.pdf").write_bytes(b"half")
    (site / "2020-01" / ".cover-full.png").write_bytes(b"png")
    (site / ".index.html.0123456789ab.tmp").write_bytes(b"half a page")
    (site / "opds" / ".2020.xml.0123456789ab.tmp").write_bytes(b"half a feed")
    result = clean(build_library(archive, site, workers=1))
    assert result.built == []
    hidden = [p for p in site.rglob(".*") if p.name not in (MARKER, STATE_FILE, ".huikan-volumes.json")]
    assert hidden == []
    listed = read_manifest(site / MANIFEST)
    assert not [name for name in listed if "/." in name or name.endswith(".tmp")]


def test_manifest_lists_exactly_the_recorded_files(copy):
    archive, site = copy
    (site / "说明.txt").write_text("网站管理员的笔记\n", encoding="utf-8")
    clean(build_library(archive, site, workers=1))
    listed = set(read_manifest(site / MANIFEST))
    state = load_state(site)
    assert "说明.txt" not in listed and (site / "说明.txt").is_file()
    assert set(state.owned()) <= listed and STATE_FILE in listed


# --- majors and minors: failures are reported, the rest is built --------------------------------

def test_any_exception_in_one_issue_is_reported_and_the_rest_built(tmp_path, monkeypatch):
    from typeset.build import build as real

    archive = two_issues(tmp_path / "archive")

    def deep(folder, *args, **kwargs):
        if Path(folder).name == "2020-02":
            raise RecursionError("maximum recursion depth exceeded")
        return real(folder, *args, **kwargs)

    monkeypatch.setattr("typeset.build.build", deep)
    result = build_library(archive, tmp_path / "site", workers=2)  # in forked children: they see the patch
    assert result.built == ["2020-01"]
    assert [f.where for f in result.failures] == ["2020-02"] and "RecursionError" in result.failures[0].message


def test_an_issue_that_cannot_be_read_at_all_is_one_failure(tmp_path, monkeypatch):
    from typeset.library import archive as archive_module

    archive = two_issues(tmp_path / "archive")
    real = archive_module.load

    def deep(folder, *args, **kwargs):
        if Path(folder).name == "2020-01":
            raise RecursionError("maximum recursion depth exceeded")
        return real(folder, *args, **kwargs)

    monkeypatch.setattr(archive_module, "load", deep)
    result = build_library(archive, tmp_path / "site", workers=1)
    assert result.built == ["2020-02"] and [f.where for f in result.failures] == ["2020-01"]


def test_every_issue_is_built_in_a_process_of_its_own(tmp_path, monkeypatch):
    """Workers never grow with the archive: each issue's process exits when its issue is done."""
    from typeset.library import workers

    archive = two_issues(tmp_path / "archive", years=(2020, 2020, 2020))
    monkeypatch.setattr(workers, "build_issue", lambda job: workers.Outcome(job.issue_id, error=str(os.getpid())))
    outcomes = workers.build_all([workers.Job(f"2020-0{k}", archive, tmp_path) for k in (1, 2, 3)], workers=2)
    pids = {outcome.error for outcome in outcomes}
    assert len(pids) == 3 and str(os.getpid()) not in pids


def test_a_child_that_dies_is_one_failure(tmp_path, monkeypatch):
    from typeset.library import workers

    monkeypatch.setattr(workers, "build_issue", lambda job: os._exit(9) if job.issue_id == "2020-02"
                        else workers.Outcome(job.issue_id))
    outcomes = workers.build_all([workers.Job(f"2020-0{k}", tmp_path, tmp_path) for k in (1, 2)], workers=2)
    assert outcomes[0].error is None and "排版进程意外退出" in outcomes[1].error


def test_an_empty_archive_is_one_chinese_line(tmp_path):
    (tmp_path / "archive").mkdir()
    with pytest.raises(SourceError, match="没有找到任何一期会刊"):
        build_library(tmp_path / "archive", tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_an_archive_of_failures_lists_them_and_writes_no_index(tmp_path):
    write_issue(tmp_path / "archive" / "bad", 'title = "x"\nyear = "二〇二〇"\n', {})
    result = build_library(tmp_path / "archive", tmp_path / "site", workers=1)
    assert [f.where for f in result.failures] == ["bad"] and not result.indexed
    assert (tmp_path / "site" / "index.html").is_file()


def test_a_full_disk_names_the_failed_issues_too(copy, monkeypatch):
    from typeset.library import site as site_module

    archive, site = copy
    (archive / "2020-02" / "issue.toml").write_text('title = "x"\nyear = "二〇二〇"\n', encoding="utf-8")

    def full(*args, **kwargs):
        raise OutputError("写入失败（磁盘已满）。", site / STATE_FILE)

    monkeypatch.setattr(site_module, "save_state", full)
    with pytest.raises(OutputError) as caught:
        build_library(archive, site, workers=1)
    assert "磁盘已满" in str(caught.value) and "2020-02" in str(caught.value)


def test_a_library_toml_linked_from_outside_is_refused(tmp_path):
    archive = two_issues(tmp_path / "archive")
    (tmp_path / "secret.toml").write_text('title = "外面的文件"\n', encoding="utf-8")
    (archive / "library.toml").symlink_to(tmp_path / "secret.toml")
    with pytest.raises(ConfigError, match="符号链接"):
        build_library(archive, tmp_path / "site", workers=1)
    assert not (tmp_path / "site").exists()


def test_a_state_of_the_earlier_format_is_read_and_its_issues_rebuilt(copy):
    archive, site = copy
    state = json.loads((site / STATE_FILE).read_text(encoding="utf-8"))
    for known in state["issues"].values():
        del known["sha256"]
    state["format"] = 1
    del state["written"]
    state["issues"]["2020-01"]["files"]["html"] = "2020-01/2020-01.html"  # the HTML edition it used to publish
    (site / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    (site / MARKER).unlink()  # a site made before the marker existed is still the library's
    (site / "2020-01" / "2020-01.html").write_text(SCRIPT, encoding="utf-8")
    result = build_library(archive, site, workers=1)
    assert sorted(result.built) == ["2020-01", "2020-02"] and (site / MARKER).is_file()
    assert not (site / "2020-01" / "2020-01.html").exists()


def test_the_volume_command_never_says_unchanged_beside_a_failure(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from typeset.cli import app
    from typeset.library import LibraryResult
    from typeset.library.archive import Failure

    failed = LibraryResult(tmp_path, failures=[Failure("2021年合订本", "第 3 期的 PDF 读不出来。")])
    monkeypatch.setattr("typeset.library.build_volume", lambda *args, **kwargs: failed)
    done = CliRunner().invoke(app, ["volume", str(tmp_path), "2021", "--out", str(tmp_path / "site")])
    assert done.exit_code == 1 and "2021年合订本" in done.output
    assert "没有变化" not in done.output


# --- the user's files at names the library would write later ------------------------------------

def new_issue(archive: Path, year: int, number: int) -> str:
    issue_id = f"{year}-{number:02d}"
    write_issue(archive / issue_id, issue_toml(year, number, number, number), {"01-工作交流.txt": sample_articles()[0]})
    return issue_id


def test_the_users_files_where_later_outputs_go_are_never_overwritten(copy):
    """A site the library made, then the user's own files at names a later run would write (a
    new issue's editions and page, a new year's feed and volume): each is reported, none
    overwritten, and what does not collide is built."""
    archive, site = copy
    blocked, paged = new_issue(archive, 2021, 3), new_issue(archive, 2022, 4)
    planted = {f"{blocked}/{blocked}.pdf": "用户自己的 PDF", f"{paged}/index.html": "用户自己的网页",
               "opds/2022.xml": "用户自己的订阅", "合订本/两新党建2022年合订本.pdf": "用户扫描的合订本",
               f"{paged}/笔记.txt": "用户的笔记"}
    for name, text in planted.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    result = build_library(archive, site, workers=2)
    assert {name: (site / name).read_text(encoding="utf-8") for name in planted} == planted
    failed = "\n".join(f"{failure.where}：{failure.message}" for failure in result.failures)
    for name in (f"{blocked}/{blocked}.pdf", f"{paged}/index.html", "opds/2022.xml", "两新党建2022年合订本.pdf"):
        assert name in failed and "不是 huikan library 写的" in failed
    assert result.built == [paged] and (site / paged / f"{paged}.pdf").is_file()
    assert not set(planted) & (set(load_state(site).owned()) | set(read_manifest(site / MANIFEST)))
    for name in list(planted)[:4]:  # moved away: the next run writes them
        (site / name).unlink()
    result = clean(build_library(archive, site, workers=2))
    assert result.built == [blocked] and (site / "合订本" / "两新党建2022年合订本.pdf").read_bytes().startswith(b"%PDF")


def test_what_a_killed_run_wrote_before_recording_it_stays_the_librarys(copy, monkeypatch):
    """Editions, pages and volumes are claimed in the state before they are written: a run killed
    after writing them and before recording them leaves nothing the next run takes for the user's."""
    archive, site = copy
    issue_id = new_issue(archive, 2021, 3)
    import typeset.library.site as library_site

    def killed(site_, state):
        raise KeyboardInterrupt  # after pages, volumes and before the state records them

    monkeypatch.setattr(library_site, "_remove_unproduced", lambda *args: killed(*args[:1], None))
    with pytest.raises(KeyboardInterrupt):
        build_library(archive, site, workers=1)
    assert (site / issue_id / f"{issue_id}.pdf").is_file() and (site / "opds" / "2021.xml").is_file()
    assert {"opds/2021.xml", "合订本/两新党建2021年合订本.pdf"} <= set(load_state(site).pending)
    monkeypatch.undo()
    edit = archive / issue_id / "01-工作交流.txt"
    edit.write_text(edit.read_text(encoding="utf-8") + "补上的一段话。\n", encoding="utf-8")
    result = clean(build_library(archive, site, workers=1))
    assert result.built == [issue_id] and load_state(site).pending == []
    assert set(read_manifest(site / MANIFEST)) >= {f"{issue_id}/{issue_id}.pdf", "opds/2021.xml",
                                                     "合订本/两新党建2021年合订本.pdf"}


def test_the_users_file_where_the_search_index_goes_is_never_overwritten(tmp_path):
    """A site whose archive had nothing to index yet; the user's own pagefind/pagefind.js; then
    an issue to index: the index is written beside it, that file is reported and left alone."""
    archive = two_issues(tmp_path / "archive", years=(2020,))
    toml = (archive / "2020-01" / "issue.toml").read_text(encoding="utf-8")
    (archive / "2020-01" / "issue.toml").write_text("year = \n", encoding="utf-8")
    site = tmp_path / "site"
    assert build_library(archive, site, workers=1).failures and not (site / "pagefind").exists()
    (site / "pagefind").mkdir()
    (site / "pagefind" / "pagefind.js").write_text("// 用户自己的脚本\n", encoding="utf-8")
    (archive / "2020-01" / "issue.toml").write_text(toml, encoding="utf-8")
    result = build_library(archive, site, workers=1)
    assert (site / "pagefind" / "pagefind.js").read_text(encoding="utf-8") == "// 用户自己的脚本\n"
    assert [failure.where for failure in result.failures] == ["pagefind/pagefind.js"]
    assert result.indexed and (site / "pagefind" / "pagefind-entry.json").is_file()
    assert "pagefind/pagefind.js" not in read_manifest(site / MANIFEST)


def test_ctrl_c_during_the_library_never_says_nothing_was_written(tmp_path):
    """One build is all or nothing; the library keeps what it finished: Ctrl-C after an issue's
    editions are in place is one line that says so (it said 没有写出任何文件), exit 130."""
    import signal
    import time

    archive = two_issues(tmp_path / "archive")
    site = tmp_path / "site"
    run = subprocess.Popen([sys.executable, "-m", "typeset", "library", str(archive), "--out", str(site), "--jobs", "1"],
                           env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (site / "2020-01" / "2020-01.pdf").is_file() and time.monotonic() < deadline:
        time.sleep(0.02)
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=120)
    assert (site / "2020-01" / "2020-01.pdf").is_file() and run.returncode == 130, stderr
    lines = [line for line in stderr.strip().splitlines() if not line.startswith("提示")]
    assert len(lines) == 1 and "Traceback" not in stderr and "没有写出任何文件" not in stderr, stderr
    assert "再运行一次 huikan library" in lines[0]


def test_a_huge_file_where_a_page_goes_is_never_read_whole(tmp_path):
    """A page is rewritten only when its bytes change: a 300 MB file (sparse) put where one goes
    was read whole to compare (3 GB: 3 GB in memory); now the sizes differ and it is replaced."""
    import tracemalloc

    from typeset.library.pages import write_if_changed

    with open(tmp_path / "index.html", "wb") as handle:
        handle.truncate(300 * 1024 * 1024)
    tracemalloc.start()
    try:
        written = write_if_changed(tmp_path, "index.html", b"<!doctype html>\n")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert written and peak < 20 * 1024 * 1024, peak
    assert (tmp_path / "index.html").read_bytes() == b"<!doctype html>\n"
    assert not write_if_changed(tmp_path, "index.html", b"<!doctype html>\n")
