"""A 公文 template (会议纪要) and files saved by LibreOffice (.doc, .odt, .rtf): what a secretariat
sends in. The LibreOffice files are made at test time from tests/docx_maker.py's documents;
those tests skip when soffice is not installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pypdf
import pytest

from conftest import build_clean, is_subsequence, visible_chars
from test_pdf import outline_pages
from typeset.check import check_bulletin
from typeset.errors import SourceError
from typeset.model import Heading
from typeset.resources import sample_issue_dir
from typeset.sources import load
from typeset.sources.docx_convert import converter

sys.path.insert(0, str(Path(__file__).parent))
from docx_maker import (  # noqa: E402
    DOC_NUMBER, FANGSONG, ISSUED, MINUTES_TITLE, hand_paragraph, make_hand_formatted, make_minutes, make_with_notes,
)

needs_libreoffice = pytest.mark.skipif(converter() is None, reason="LibreOffice (soffice) is not installed")


def _issue(folder: Path, *sections: Path) -> Path:
    folder.mkdir()
    shutil.copy(next(sample_issue_dir().glob("*.txt")), folder / "01-要闻.txt")
    (folder / "issue.toml").write_text('title = "会刊"\nyear = 2026\nnumber = 3\ndate = 2026-03-05\n'
                                       'publisher = "秘书处"\n', encoding="utf-8")
    for k, section in enumerate(sections, 2):
        shutil.copy(section, folder / f"{k:02d}-{section.stem}{section.suffix}")
    return folder


def _saved_by_libreoffice(source: Path, suffix: str, out: Path) -> Path:
    """``source`` opened and saved again by LibreOffice as ``suffix`` (a throw-away profile)."""
    out.mkdir(exist_ok=True)
    profile = (out / "profile").as_uri()
    subprocess.run([converter(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", suffix[1:],
                    "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=180)
    return out / f"{source.stem}{suffix}"


@pytest.fixture(scope="module")
def minutes(tmp_path_factory):
    return make_minutes(tmp_path_factory.mktemp("minutes") / "会议纪要.docx")


def test_minutes_title_from_the_text_box_and_doc_number_under_it(minutes):
    path, texts = minutes
    (article,) = load(path).bulletin.articles()
    assert article.title == MINUTES_TITLE
    assert article.blocks[0].text == DOC_NUMBER
    assert article.blocks[-1].text == ISSUED and article.blocks[-1].kind == "paragraph"
    assert [b.text for b in article.blocks if isinstance(b, Heading)] == ["一、审议通过年度工作报告", "二、研究部署下一步工作"]
    assert [b.text for b in article.blocks] == texts[1:], "nothing the editor wrote is lost"


def test_a_doc_number_read_before_its_text_box_title_opens_that_article(tmp_path):
    from docx_maker import XIAOBIAOSONG, _box

    document = docx.Document()
    hand_paragraph(document, "上一篇文章", XIAOBIAOSONG, 22, centred=True)
    hand_paragraph(document, "上一篇的正文。")
    hand_paragraph(document, DOC_NUMBER, FANGSONG, 16, centred=True)
    _box(document, document.add_paragraph(), MINUTES_TITLE, XIAOBIAOSONG, 26)
    hand_paragraph(document, "纪要正文。")
    document.save(tmp_path / "x.docx")
    first, second = load(tmp_path / "x.docx").bulletin.articles()
    assert [b.text for b in first.blocks] == ["上一篇的正文。"]
    assert (second.title, [b.text for b in second.blocks]) == (MINUTES_TITLE, [DOC_NUMBER, "纪要正文。"])


def test_minutes_in_an_issue_build_clean_and_no_page_holds_only_the_issuing_line(minutes, tmp_path):
    folder = _issue(tmp_path / "issue", minutes[0])
    result = build_clean(folder, tmp_path / "out", ["pdf"])
    reader = pypdf.PdfReader(result.files["pdf"])
    assert MINUTES_TITLE in [title for title, _, _ in outline_pages(reader)]
    pages = subprocess.run(["pdftotext", str(result.files["pdf"]), "-"], capture_output=True, text=True,
                           check=True).stdout.replace("\u2060", "").split("\f")
    (page,) = [p for p in pages if "印发" in p and "杭州市某某行业协会秘书处" in p]
    assert "参加人员" in page, "the 印发 line follows the article's last paragraph"


@needs_libreoffice
@pytest.mark.parametrize("suffix", [".doc", ".odt"])  # LibreOffice's RTF export drops a text box's text
def test_minutes_saved_by_libreoffice_read_the_same(minutes, suffix, tmp_path):
    path, texts = minutes
    saved = _saved_by_libreoffice(path, suffix, tmp_path / "saved")
    (article,) = load(saved).bulletin.articles()
    assert article.title == MINUTES_TITLE
    assert [b.text for b in article.blocks] == texts[1:]


@needs_libreoffice
@pytest.mark.parametrize("suffix", [".doc", ".rtf", ".docx"])
def test_hand_formatted_issue_saved_by_libreoffice_keeps_titles_headings_and_numbering(tmp_path, suffix):
    path, expected = make_hand_formatted(tmp_path / "会刊.docx")
    bulletin = load(_saved_by_libreoffice(path, suffix, tmp_path / "saved")).bulletin
    assert [a.title for a in bulletin.articles()] == expected["titles"]
    if suffix == ".rtf":  # LibreOffice's RTF export writes the 、 of "%1、" as "?": only the titles compare
        return
    assert [(b.text, b.level) for b in bulletin.blocks() if isinstance(b, Heading)] == expected["headings"]
    text = [b.text for b in bulletin.blocks()]
    assert all(t in text for t in expected["numbered_text"]), text
    assert [i.heading for i in list(bulletin.articles())[-1].items] == expected["news"]


@needs_libreoffice
def test_notes_survive_odt_and_the_archive_attaches_the_original(tmp_path):
    saved = _saved_by_libreoffice(make_with_notes(tmp_path / "注释.docx"), ".odt", tmp_path / "saved")
    folder = _issue(tmp_path / "issue", saved)
    bulletin = load(folder).bulletin
    articles = bulletin.sections[1].articles
    assert [[(n.label, n.text) for n in a.notes] for a in articles] == [
        [("1", "年会于2026年1月10日在杭州举行。")], [("2", "详见协会网站会员专栏。")], []]
    assert [str(f) for f in check_bulletin(bulletin, fonts=False).findings if f.file == "02-注释.odt"] == []
    result = build_clean(folder, tmp_path / "out", ["archive"])
    attached = pypdf.PdfReader(result.files["archive"]).attachments
    assert attached["02-注释.odt"][0] == saved.read_bytes()
    text = visible_chars(subprocess.run(["pdftotext", str(result.files["archive"]), "-"], capture_output=True,
                                        text=True, check=True).stdout.replace("\u2060", ""), drop="")
    assert is_subsequence(visible_chars("协会召开年会的正文[1]。年会于2026年1月10日在杭州举行。", drop=""), text)


@needs_libreoffice
@pytest.mark.parametrize("suffix, data", [(".doc", b"\xd0\xcf\x11\xe0 not really"), (".odt", b"PK\x03\x04junk"),
                                          (".rtf", b"plain text")])
def test_a_damaged_old_format_file_is_one_clear_error(tmp_path, suffix, data):
    path = tmp_path / f"会刊{suffix}"
    path.write_bytes(data)
    with pytest.raises(SourceError, match="LibreOffice 无法转换") as caught:
        load(path)
    assert "\n" not in caught.value.message


@needs_libreoffice
@pytest.mark.parametrize("suffix, named", [(".docx", ".doc"), (".docx", ".wps"), (".doc", ".docx"), (".doc", ".rtf"),
                                           (".rtf", ".doc")])
def test_a_file_whose_suffix_is_not_its_format_is_read_like_word_reads_it(tmp_path, suffix, named):
    """A .docx renamed .doc, a .doc renamed .docx, an RTF saved as .doc: Word and WPS open them
    by their content, so the reader does too."""
    path, expected = make_hand_formatted(tmp_path / "会刊.docx")
    source = path if suffix == ".docx" else _saved_by_libreoffice(path, suffix, tmp_path / "lo")
    renamed = tmp_path / f"改名{named}"
    shutil.copy(source, renamed)
    assert [a.title for a in load(renamed).bulletin.articles()] == expected["titles"]
