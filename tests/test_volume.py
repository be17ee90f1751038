"""The annual volume (合订本): a year of twelve issues bound from their laid-out PDFs."""

from __future__ import annotations

import re
import shutil
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from tests.volume_archive import ISSUES, YEAR
from typeset.errors import SourceError
from typeset.library import build_library, build_volume
from typeset.library.fixity import MANIFEST
from typeset.library.volume import FOLDER, volume_file_name

pytestmark = pytest.mark.slow

VOLUME = f"{FOLDER}/两新党建{YEAR}年合订本.pdf"
WITH_SOURCES = f"{FOLDER}/两新党建{YEAR}年合订本-附原稿.pdf"


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.fixture(scope="module")
def bound(year_library):
    """The volume, the issue PDFs it was bound from, and the volume's pages as text."""
    site = year_library.site
    volume = PdfReader(site / VOLUME)
    issues = [PdfReader(site / f"{YEAR}-{k:02d}" / f"{YEAR}-{k:02d}.pdf") for k in range(1, ISSUES + 1)]
    texts = [squeezed(page.extract_text()) for page in volume.pages]
    return volume, issues, texts


def front_pages(texts: list[str], issues: list[PdfReader]) -> int:
    """The volume's own pages: those before the first issue's first page."""
    start = squeezed(issues[0].pages[0].extract_text())[:40]
    return next(i for i, text in enumerate(texts) if start in text)


def test_the_volume_has_every_issue_page_plus_its_own_front_matter(bound):
    volume, issues, texts = bound
    issue_pages = sum(len(reader.pages) for reader in issues)
    front = front_pages(texts, issues)
    assert texts[0].startswith("两新党建") and f"{YEAR}年合订本" in texts[0]  # the title page
    assert "目录" in texts[1]
    index = [i for i, text in enumerate(texts) if text.startswith("栏目索引")]
    assert len(index) == 1 and index[0] == front + issue_pages  # the 栏目 index follows the issues
    assert len(volume.pages) == front + issue_pages + (len(texts) - index[0])
    assert front == 2  # title page and one page of contents for twelve small issues


def test_every_issue_page_is_copied_in_order_and_stamped_with_the_volume_page(bound):
    volume, issues, texts = bound
    page = front_pages(texts, issues)
    for reader in issues:
        for original in reader.pages:
            own = squeezed(original.extract_text())
            assert texts[page].startswith(own[:40]) or own[:40] in texts[page]
            assert f"合订本第{page + 1}页" in texts[page]
            assert volume.pages[page].mediabox == original.mediabox
            page += 1


def test_the_outline_holds_the_year_every_issue_and_its_articles(bound, year_library):
    volume, issues, texts = bound
    outline = volume.outline
    assert [item.title for item in outline if not isinstance(item, list)] == [f"{YEAR}年"]
    issues_level = outline[1]
    labels = [item.title for item in issues_level if not isinstance(item, list)]
    assert labels == [f"{YEAR}年第{k}期（总第{100 + k}期）" for k in range(1, ISSUES + 1)]
    articles = [level for level in issues_level if isinstance(level, list)]
    assert len(articles) == ISSUES
    for k, level in enumerate(articles, 1):
        assert len(level) == (2 if k in (3, 7) else 1)
        for item in level:
            page = volume.get_destination_page_number(item)
            assert squeezed(item.title) in texts[page], (item.title, page)


def test_the_contents_cite_issue_and_volume_pages(bound):
    volume, issues, texts = bound
    contents = texts[1]
    third_issue_starts = 2 + len(issues[0].pages) + len(issues[1].pages) + 1
    assert f"{YEAR}年第3期（总第103期）" in contents
    assert f"本期第1页合订本第{third_issue_starts}页" in contents


def test_the_copy_with_sources_attaches_every_source_and_claims_no_pdfa(year_library, bound):
    plain, _, _ = bound
    attached = PdfReader(year_library.site / WITH_SOURCES)
    names = sorted(attached.attachments)
    assert len(names) == 2 * ISSUES + 2  # issue.toml and the section files of every issue
    first = year_library.archive / "01" / "01-工作交流.txt"
    assert attached.attachments[f"{YEAR}-01-01-工作交流.txt"] == [first.read_bytes()]
    specs = attached.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"][1::2]
    for spec in (ref.get_object() for ref in specs):
        assert spec["/AFRelationship"] == "/Source" and spec["/UF"] == spec["/F"]
        assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/text/plain"
    assert plain.attachments == {}
    assert len(attached.pages) == len(plain.pages)
    for reader in (plain, attached):
        metadata = reader.trailer["/Root"].get("/Metadata")
        assert metadata is None or b"pdfaid" not in metadata.get_object().get_data()
        assert reader.metadata.title == f"两新党建 {YEAR}年合订本"


def test_the_front_page_links_the_volume(year_library):
    index = (year_library.site / "index.html").read_text(encoding="utf-8")
    assert f'href="{quote(VOLUME)}"' in index and f"{YEAR}年合订本（PDF" in index


def test_rebuilding_gives_the_same_bytes_and_the_same_manifest(year_library):
    """Volumes, state and search index made again from unchanged issues: not one byte differs."""
    site = year_library.site
    before = {name: (site / name).read_bytes() for name in (VOLUME, WITH_SOURCES, MANIFEST)}
    shutil.rmtree(site / FOLDER)
    (site / ".huikan-volumes.json").unlink()
    shutil.rmtree(site / "pagefind")
    again = build_library(year_library.archive, site, workers=1)
    assert again.warnings == [] and again.built == []
    assert {name: (site / name).read_bytes() for name in before} == before


def test_huikan_volume_reuses_the_built_issues(year_library):
    site = year_library.site
    result = build_volume(year_library.archive, site, YEAR, workers=1)
    assert result.warnings == [] and result.built == [] and len(result.reused) == ISSUES
    assert result.changed == []  # nothing changed, nothing written
    with pytest.raises(SourceError, match="没有 1999 年的会刊"):
        build_volume(year_library.archive, site, 1999)


def test_the_volume_command_names_an_unknown_year(year_library, capsys, monkeypatch):
    from typeset.cli import main

    monkeypatch.setattr("sys.argv", ["huikan", "volume", str(year_library.archive), "1999", "--out", str(year_library.site)])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    assert "没有 1999 年的会刊" in capsys.readouterr().err


def test_a_title_never_makes_a_folder():
    assert volume_file_name("两新/党建", 2020) == "两新_党建2020年合订本.pdf"
    assert volume_file_name("..会刊", 2021) == "会刊2021年合订本.pdf"


def record_as_written(site, relative: str) -> None:
    import hashlib
    import json

    state = json.loads((site / ".huikan-library.json").read_text(encoding="utf-8"))
    issue = state["issues"][relative.split("/")[0]]
    issue["sha256"][relative] = hashlib.sha256((site / relative).read_bytes()).hexdigest()
    (site / ".huikan-library.json").write_text(json.dumps(state), encoding="utf-8")


def test_an_unreadable_issue_pdf_fails_its_year_not_the_library(year_library, tmp_path):
    site = shutil.copytree(year_library.site, tmp_path / "site")
    (site / f"{YEAR}-04" / f"{YEAR}-04.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    (site / ".huikan-volumes.json").unlink()
    record_as_written(site, f"{YEAR}-04/{YEAR}-04.pdf")  # a PDF the library wrote itself, not one copied over
    result = build_library(year_library.archive, site, workers=1)
    assert result.warnings == [] and result.built == []
    assert [failure.where for failure in result.failures] == [f"{YEAR}年合订本"]
    assert f"{YEAR}-04.pdf" in str(result.failures[0]) and "huikan library --rebuild" in str(result.failures[0])


def test_a_year_with_a_failed_issue_keeps_its_previous_volume(year_library, tmp_path):
    """Found in review: one issue failing rebound the year without it, over the complete volume."""
    site = shutil.copytree(year_library.site, tmp_path / "site", symlinks=True)
    archive = shutil.copytree(year_library.archive, tmp_path / "archive", symlinks=True)
    before = (site / VOLUME).read_bytes()
    issue = next(p.parent for p in sorted(archive.rglob("issue.toml")))
    (tmp_path / "outside.txt").write_text("☆ 外面\n正文。\n", encoding="utf-8")
    (issue / "09-外链.txt").symlink_to(tmp_path / "outside.txt")  # the issue can no longer be read
    result = build_library(archive, site, workers=1)
    assert (site / VOLUME).read_bytes() == before
    assert any("合订本" in str(f) and "上一次" in str(f) for f in result.failures), result.failures


@pytest.mark.parametrize("changed", [False, True])
def test_the_volume_command_asks_for_a_library_run_only_when_it_changed_something(tmp_path, monkeypatch, changed):
    from typer.testing import CliRunner

    from typeset.cli import app
    from typeset.library import LibraryResult

    bound = [tmp_path / "site" / "合订本" / "两新党建2021年合订本.pdf"] if changed else []
    monkeypatch.setattr("typeset.library.build_volume", lambda *args, **kwargs: LibraryResult(tmp_path, changed=bound))
    done = CliRunner().invoke(app, ["volume", str(tmp_path), "2021", "--out", str(tmp_path / "site")])
    assert done.exit_code == 0, done.output
    assert ("没有变化" in done.output) is not changed
    assert ("再运行一次 huikan library" in done.output) is changed, done.output
