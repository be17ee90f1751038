"""Fixity: the site's manifests and ``huikan verify`` (missing, changed, unexpected, damaged)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.volume_archive import YEAR
from typeset.library.fixity import MANIFEST, SOURCES_MANIFEST, read_manifest
from typeset.library.verify import verify
from typeset.library.volume import FOLDER
from conftest import run_cli

pytestmark = pytest.mark.slow

VOLUME = f"{FOLDER}/两新党建{YEAR}年合订本.pdf"


@pytest.fixture
def copy(year_library, tmp_path):
    """A copy of the site and the archive, free to damage."""
    site = shutil.copytree(year_library.site, tmp_path / "site", symlinks=True)
    archive = shutil.copytree(year_library.archive, tmp_path / "archive", symlinks=True)
    return site, archive


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_the_manifests_cover_everything_produced_and_every_source(year_library):
    site, archive = year_library.site, year_library.archive
    listed = read_manifest(site / MANIFEST)
    assert VOLUME in listed and f"{YEAR}-01/{YEAR}-01.epub" in listed and ".huikan-library.json" in listed
    assert any(name.startswith("pagefind/") for name in listed)
    assert MANIFEST not in listed and SOURCES_MANIFEST in listed  # a changed list of sources is a change
    sources = read_manifest(site / SOURCES_MANIFEST)
    assert "01/issue.toml" in sources and "03/02-协会动态.txt" in sources
    assert len(sources) == len([p for p in archive.rglob("*") if p.is_file()])


def test_the_intact_site_passes(year_library):
    report = verify(year_library.site, year_library.archive)
    assert report.problems == []
    assert report.manifest and report.listed > 12 * 5
    assert report.opened == 12 * 3 + 2  # print, EPUB and PDF/A of each issue, and the two volume files


def test_sha256sum_checks_the_manifest_without_this_tool(year_library):
    done = subprocess.run(["sha256sum", "--check", "--quiet", MANIFEST], cwd=year_library.site,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("name", [f"{YEAR}-05/index.html", VOLUME, f"{YEAR}-08/{YEAR}-08.epub"])
def test_the_one_file_with_a_flipped_byte_is_named(copy, name):
    site, archive = copy
    flip(site / name, (site / name).stat().st_size // 2)
    report = verify(site, archive)
    assert {problem.path for problem in report.problems} == {name}
    assert "changed" in {problem.kind for problem in report.problems}


def test_missing_unexpected_and_changed_sources_are_each_named(copy):
    site, archive = copy
    (site / f"{YEAR}-02" / "cover.png").unlink()
    (site / "笔记.txt").write_text("不该在这里", encoding="utf-8")
    (site / "外面").symlink_to(archive, target_is_directory=True)
    source = archive / "04" / "01-工作交流.txt"
    source.write_text(source.read_text(encoding="utf-8") + "补一句。\n", encoding="utf-8")
    (archive / "06" / "03-新栏目.txt").write_text("☆ 新文章\n正文。\n", encoding="utf-8")
    found = {(problem.kind, problem.path) for problem in verify(site, archive).problems}
    assert found == {("missing", f"{YEAR}-02/cover.png"), ("unexpected", "笔记.txt"), ("unexpected", "外面"),
                     ("changed", "archive/04/01-工作交流.txt"), ("unexpected", "archive/06/03-新栏目.txt")}


def test_a_damaged_pdf_is_caught_without_a_manifest(copy):
    site, _ = copy
    pdf = site / f"{YEAR}-03" / f"{YEAR}-03.pdf"
    flip(pdf, pdf.stat().st_size // 2)
    problems = verify(pdf).problems
    assert [problem.kind for problem in problems] == ["damaged"] and problems[0].path == str(pdf)
    truncated = site / "truncated.pdf"
    truncated.write_bytes(pdf.read_bytes()[: pdf.stat().st_size // 3])
    assert verify(truncated).problems[0].kind == "damaged"


def test_an_archive_copy_must_claim_pdfa_and_the_issues_do(copy):
    site, _ = copy
    assert verify(site / f"{YEAR}-01" / f"{YEAR}-01-存档.pdf").ok
    pretender = site / "冒充-存档.pdf"
    shutil.copy(site / f"{YEAR}-01" / f"{YEAR}-01.pdf", pretender)
    assert "PDF/A" in verify(pretender).problems[0].detail


def test_an_epub_whose_mimetype_is_not_first_is_damaged(copy):
    site, _ = copy
    original = site / f"{YEAR}-01" / f"{YEAR}-01.epub"
    reordered = site / "reordered.epub"
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(reordered, "w") as target:
        for info in reversed(source.infolist()):
            target.writestr(info, source.read(info))
    problems = verify(reordered).problems
    assert len(problems) == 1 and "mimetype" in problems[0].detail


def test_the_verify_command_exits_non_zero_and_names_the_file(copy, capsys, monkeypatch):
    site, archive = copy

    def run(*args) -> tuple[int, str, str]:
        return run_cli(monkeypatch, capsys, "verify", *args)

    code, out, _ = run(site, "--sources", archive)
    assert code == 0 and out.startswith("完好：")
    flip(site / "index.html", 10)
    code, _, err = run(site)
    assert code == 1 and "已改动：index.html" in err and "发现 1 处问题" in err


def test_a_folder_linked_elsewhere_is_never_read(copy, tmp_path):
    """Found in review: verify read files outside the site through a symlinked folder."""
    site, _ = copy
    elsewhere = shutil.move(site / f"{YEAR}-03", tmp_path / "elsewhere")
    (site / f"{YEAR}-03").symlink_to(elsewhere)
    problems = {(p.kind, p.path) for p in verify(site).problems}
    assert ("missing", f"{YEAR}-03/{YEAR}-03.pdf") in problems
    assert not any(kind == "changed" and name.startswith(f"{YEAR}-03/") for kind, name in problems)


def test_a_deleted_manifest_is_a_missing_file(copy):
    site, _ = copy
    (site / MANIFEST).unlink()
    assert ("missing", MANIFEST) in {(p.kind, p.path) for p in verify(site).problems}


@pytest.mark.parametrize("line", ["a" * 64 + "  " + "q" * 5000, "a" * 64 + "  index.html"])
def test_an_overlong_or_doubled_manifest_line_is_damage_not_a_crash(copy, line):
    site, _ = copy
    with (site / MANIFEST).open("a", encoding="utf-8") as manifest:
        manifest.write(line + "\n")
    problems = verify(site).problems
    assert [p.path for p in problems if p.kind == "damaged"] == [MANIFEST]
