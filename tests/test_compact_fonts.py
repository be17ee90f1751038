"""Compact CJK fonts in the PDF (typeset.typography.compact_fonts): sizes, and nothing else
changed — same text layer, same pixels, fonts still embedded, subset and mapped to Unicode."""

from __future__ import annotations

import hashlib
import inspect
import io
import logging
import re
import subprocess
from pathlib import Path

import pypdf
import pytest

from conftest import build_clean
from typeset.build import WarningCollector
from typeset.errors import EnvironmentProblem
from typeset.render import render_master
from typeset.sources import load
from typeset.typography import compact_fonts
from typeset.typography.cff import CFFError, _charset, cid_charset, has_identity_charset
from typeset.writers import BuildContext, writers
from typeset.writers.pdf import pdf_bytes

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "sample" / "000_ba500d8529fedb8f.txt"
SERIF = ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2)

#: sha256 of the WeasyPrint 70.0 sources that compact_fonts replaces or relies on. When this
#: test fails, WeasyPrint changed under the extension: read the new sources, adapt
#: compact_fonts, then update the digest.
INTERNALS_SHA256 = "c24b05db08981929cc2fc6887ec3756a6248846fe76c8265365f82654ddeaf7c"


def _internals_source() -> str:
    import weasyprint.pdf
    from weasyprint.pdf import fonts

    stock = compact_fonts._ORIGINALS or {
        "_harfbuzz_subset": fonts.Font._harfbuzz_subset, "build_fonts_dictionary": weasyprint.pdf.build_fonts_dictionary}
    parts = [stock["_harfbuzz_subset"], stock["build_fonts_dictionary"], fonts._build_vector_font_dictionary,
             fonts.Font.subset, fonts.Font.clean, fonts.Font.type.fget, fonts.Font.__init__]
    return "".join(inspect.getsource(part) for part in parts)


def test_weasyprint_internals_are_the_ones_compact_fonts_was_written_for():
    import weasyprint.pdf

    digest = hashlib.sha256(_internals_source().encode()).hexdigest()
    assert digest == INTERNALS_SHA256, "WeasyPrint's font embedding changed: review typeset/typography/compact_fonts.py"
    # The PDF writer calls the function through its module global, which install() replaces.
    assert "pdf_fonts = build_fonts_dictionary(pdf, document.fonts, compress, subset, options)" in inspect.getsource(
        weasyprint.pdf)


def test_install_is_idempotent_and_refuses_other_weasyprint_versions(monkeypatch):
    import weasyprint
    from weasyprint.pdf.fonts import Font

    compact_fonts.install()
    patched = Font._harfbuzz_subset
    compact_fonts.install()
    assert Font._harfbuzz_subset is patched and compact_fonts.installed()
    compact_fonts.uninstall()
    try:
        assert Font._harfbuzz_subset is patched.__wrapped__
        monkeypatch.setattr(weasyprint, "__version__", "71.0")
        with pytest.raises(EnvironmentProblem, match="weasyprint==70.0"):
            compact_fonts.install()
        assert not compact_fonts.installed()
    finally:
        monkeypatch.undo()
        compact_fonts.install()


# --------------------------------------------------------------------------
# Reading CFF charsets
# --------------------------------------------------------------------------

def test_noto_cjk_is_cid_keyed_with_cids_equal_to_glyph_ids():
    from fontTools.ttLib import TTFont

    font = TTFont(SERIF[0], fontNumber=SERIF[1], lazy=True)
    cff = memoryview(font.reader["CFF "])
    cids = cid_charset(cff)
    assert len(cids) == 65535 and cids == list(range(65535)) and has_identity_charset(cff)


def test_a_name_keyed_cff_has_no_cid_charset():
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.ttLib import TTFont

    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({ord("A"): "A"})
    pen = T2CharStringPen(500, None)
    builder.setupCFF("Test", {"FullName": "Test"}, {name: pen.getCharString() for name in (".notdef", "A")}, {})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 0)})
    builder.setupHorizontalHeader()
    builder.setupOS2()
    builder.setupPost()
    builder.setupNameTable({"familyName": "Test", "styleName": "Regular"})
    data = io.BytesIO()
    builder.save(data)
    data.seek(0)
    cff = TTFont(data).reader["CFF "]
    assert cid_charset(cff) is None and not has_identity_charset(cff)


def test_charset_formats():
    # format 0: one CID per glyph after .notdef; 1 and 2: ranges (first, count left)
    assert _charset(bytes([0, 0, 5, 0, 9]), 0, 3) == [(5, 1), (9, 1)]
    assert _charset(bytes([1, 0, 1, 2, 1, 0, 3]), 0, 5) == [(1, 3), (256, 1)]
    assert _charset(bytes([2, 0, 7, 0, 1]), 0, 3) == [(7, 2)]
    assert _charset(bytes([2, 0, 1, 0xFF, 0xFF]), 0, 3) == [(1, 2)]  # a run past the last glyph
    with pytest.raises(CFFError):
        cid_charset(b"\x02\x00\x04\x01")  # CFF2 is not read here
    with pytest.raises(CFFError):
        cid_charset(b"\x01\x00\x04")  # truncated


# --------------------------------------------------------------------------
# The sample laid out once, written compact and stock
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample's print edition written compact, stock, and compact again (reusing the font
    objects of both writes), then its archive edition (reusing them too)."""
    out = tmp_path_factory.mktemp("compact")
    collector = WarningCollector()
    watched = [logging.getLogger(name) for name in ("typeset", "weasyprint", "fontTools")]
    for logger in watched:
        logger.addHandler(collector)
    try:
        ctx = BuildContext(render_master(load().bulletin), out, options={})
        files = {"compact": out / "compact.pdf", "stock": out / "stock.pdf", "again": out / "again.pdf"}
        files["compact"].write_bytes(pdf_bytes(ctx))
        compact_fonts.uninstall()
        try:
            files["stock"].write_bytes(pdf_bytes(ctx))
        finally:
            compact_fonts.install()
        files["again"].write_bytes(pdf_bytes(ctx))
        # Last: a PDF/A write leaves an sRGB output intent in the document (WeasyPrint 70.0).
        files["archive"] = writers()["archive"].write(ctx)
    finally:
        for logger in watched:
            logger.removeHandler(collector)
    assert collector.messages == []
    return files


@pytest.fixture(scope="module")
def sample_x10(tmp_path_factory):
    issue = tmp_path_factory.mktemp("x10")
    (issue / "issue.toml").write_bytes((SEED.parent / "issue.toml").read_bytes())
    text = SEED.read_text(encoding="utf-8")
    (issue / SEED.name).write_text("\n".join([text] * 10), encoding="utf-8")
    return build_clean(issue, issue / "out", ["pdf"]).files["pdf"]


def test_sizes(sample, sample_x10):
    assert sample["stock"].stat().st_size > 500_000  # what the compaction saves: most of it
    assert sample["compact"].stat().st_size <= 300_000
    assert sample["archive"].stat().st_size <= 330_000
    assert sample_x10.stat().st_size <= 530_000  # tagged since issue 24: the structure tree adds ~105 KB (402 → 507 KB)


def test_rewriting_a_document_gives_the_same_bytes(sample):
    assert sample["again"].read_bytes() == sample["compact"].read_bytes()


def _run(*command) -> str:
    return subprocess.run([str(part) for part in command], check=True, capture_output=True, text=True).stdout


def test_text_layer_is_unchanged(sample):
    for mode in ([], ["-layout"], ["-raw"]):
        assert _run("pdftotext", *mode, sample["compact"], "-") == _run("pdftotext", *mode, sample["stock"], "-")


def test_pages_are_pixel_identical_in_poppler(sample, tmp_path):
    for name in ("stock", "compact"):
        subprocess.run(["pdftoppm", "-r", "100", str(sample[name]), str(tmp_path / name)], check=True)
    stock = sorted(tmp_path.glob("stock-*.ppm"))
    assert len(stock) == 8
    for page in stock:
        assert page.read_bytes() == (tmp_path / page.name.replace("stock", "compact")).read_bytes(), page.name


FONT_ROW = re.compile(r"\S+\s+(?P<kind>CID [\w ()]+?)\s{2,}\S+\s+(?P<flags>(?:yes|no) (?:yes|no) (?:yes|no))\s")


def test_cjk_fonts_are_bare_cid_cff_embedded_subset_and_mapped(sample):
    for name in ("compact", "archive"):
        rows = _run("pdffonts", sample[name]).splitlines()[2:]
        fonts = {row.split()[0].split("+")[1]: FONT_ROW.match(row) for row in rows}
        assert set(fonts) == {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC", "LXGW-WenKai-Bold"}
        for font, row in fonts.items():
            assert row and row["flags"] == "yes yes yes", (name, font)  # embedded, subset, Unicode map
            assert row["kind"] == ("CID TrueType" if "WenKai" in font else "CID Type 0C"), (name, font)
        assert "No syntax or stream encoding errors" in _run("qpdf", "--check", sample[name])


def test_every_width_is_a_cid_of_the_embedded_charset(sample):
    """The page codes are CIDs: each CID given a width must name a glyph of the compact font,
    whose charset is no longer the identity (dense glyph ids)."""
    reader = pypdf.PdfReader(sample["compact"])
    descendants = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            descendants[descendant["/BaseFont"]] = descendant
    checked = 0
    for descendant in descendants.values():
        file = descendant["/FontDescriptor"].get("/FontFile3")
        if file is None:
            continue
        assert file.get_object()["/Subtype"] == "/CIDFontType0C"
        cids = cid_charset(file.get_object().get_data())
        widths = descendant["/W"]
        used = {int(widths[i]) + k for i in range(0, len(widths), 2) for k in range(len(widths[i + 1]))}
        assert used <= set(cids) and cids != list(range(len(cids))) and len(cids) < 2 * len(used) + 10
        checked += 1
    assert checked == 3

