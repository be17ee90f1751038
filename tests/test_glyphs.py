"""Characters the CJK fonts lack: emoji come from the style's fallback font (Symbola), a
character no font has prints as "〓"; either way the PDF's text layer stays exact and
``check`` names the character."""

from __future__ import annotations

import datetime as dt
import subprocess

import pypdf
import pytest

from conftest import build_clean
from typeset.check import check_bulletin
from typeset.sources import load
from typeset.styles import load_style
from typeset.writers.glyphs import with_placeholders

pytestmark = pytest.mark.slow
LINE = "大家都很开心😀，活动圆满成功👍🧧。这一行后面还有字❤\ufe0f。"
PRINTED = "大家都很开心😀，活动圆满成功👍〓。这一行后面还有字❤。"  # 🧧 has no font; U+FE0F draws nothing


@pytest.fixture(scope="module")
def emoji_issue(tmp_path_factory):
    folder = tmp_path_factory.mktemp("emoji")
    source = folder / "emoji.txt"
    source.write_text(f"☆ 表情测试\n{LINE}\n第二段没有表情。\n", encoding="utf-8")
    return source


@pytest.fixture(scope="module")
def emoji_pdf(emoji_issue, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = build_clean(emoji_issue, out, ["pdf"], force=True, metadata={"date": dt.date(2014, 5, 30)})
    return result.files["pdf"]


def test_text_layer_is_exact_in_every_reader(emoji_pdf):
    from pdfminer.high_level import extract_text

    readers = {
        "pypdf": pypdf.PdfReader(emoji_pdf).pages[0].extract_text(),
        "pdfminer": extract_text(str(emoji_pdf)),
        "pdftotext": subprocess.run(["pdftotext", str(emoji_pdf), "-"], capture_output=True, text=True, check=True).stdout,
    }
    for name, text in readers.items():
        assert PRINTED in text.splitlines(), name
        assert "第二段没有表情。" in text, name


def test_emoji_are_drawn_from_the_fallback_font(emoji_pdf):
    fonts = subprocess.run(["pdffonts", str(emoji_pdf)], capture_output=True, text=True, check=True).stdout
    assert "Symbola" in fonts


def test_check_names_each_character(emoji_issue):
    report = check_bulletin(load(emoji_issue, {"date": dt.date(2014, 5, 30)}).bulletin)
    glyphs = {f.col: f for f in report.findings if f.rule == "missing-glyph"}
    assert sorted(glyphs) == [LINE.index(ch) + 1 for ch in "😀👍🧧❤"]  # U+FE0F after ❤ is no character of its own
    smile, red_envelope = glyphs[LINE.index("😀") + 1], glyphs[LINE.index("🧧") + 1]
    assert smile.severity == "warning" and "U+1F600" in smile.message and "Symbola" in smile.message
    assert red_envelope.severity == "error" and "U+1F9E7" in red_envelope.message and "〓" in red_envelope.message


def test_placeholders_only_in_the_body():
    master = "<html><head><title>会刊🧧</title></head><body><h1 data-running-head=\"🧧\">🧧</h1>好</body></html>"
    placed = with_placeholders(master, load_style("default"))
    assert placed == "<html><head><title>会刊🧧</title></head><body><h1 data-running-head=\"〓\">〓</h1>好</body></html>"
