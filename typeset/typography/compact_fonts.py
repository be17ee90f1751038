"""Compact CJK fonts in the PDF, for WeasyPrint 70.0.

WeasyPrint subsets every font with HarfBuzz keeping the glyph ids (``RETAIN_GIDS``, hard-coded in
``Font._harfbuzz_subset``), because it has already written the glyph ids into the page streams.
A CID-keyed CFF font such as Noto Serif CJK (65,535 glyph slots) then embeds as a program of
63,000 mostly empty glyphs: 320 KB for the 865 glyphs of the sample's body text.

For a CID-keyed CFF whose charset maps every glyph id to the same CID (Noto CJK: ROS
Adobe-Identity-0), the glyph ids in the page streams are also CIDs.  So this module

* subsets such a font to the used glyphs with *dense* new glyph ids: HarfBuzz keeps each glyph's
  original CID in the subset's charset (checked on every subset);
* embeds only the subset's bare ``CFF `` table as ``/FontFile3 /Subtype /CIDFontType0C``.  There the
  charset maps the page codes (CIDs) to the kept glyphs, so the content streams, ``/W``,
  ``/ToUnicode`` and the encoding stay exactly as WeasyPrint wrote them.  Keeping the OpenType
  wrapper instead garbles glyphs in poppler, PDFium and pdf.js, which ignore the charset there.

Every other font (TrueType, name-keyed CFF, CFF whose CIDs are not the glyph ids, or a subset that
fails the checks) goes through WeasyPrint's own code unchanged.

:func:`install` replaces ``Font._harfbuzz_subset`` and the ``build_fonts_dictionary`` that
``weasyprint.pdf`` calls; both refuse any WeasyPrint release but the one this was written for.
The print, press and archive editions all go through them.  A document written twice (the print
edition, then the archive) reuses its ``Font`` objects: what this module keeps on a font lives in
one attribute of that font (:class:`Compaction`), and the original font is read from the
HarfBuzz face each time, never from ``Font.file_content``, which WeasyPrint overwrites.
"""

from __future__ import annotations

import inspect
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from typeset.errors import EnvironmentProblem
from typeset.typography.cff import CFFError, cid_charset, has_identity_charset

#: The WeasyPrint release whose internals this module replaces.
WEASYPRINT_VERSION = "70.0"

#: Tables WeasyPrint drops from every subset (``Font._harfbuzz_subset``); only ``CFF `` is
#: embedded here, the rest of the OpenType subset is never written.
_DROP_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
                b"LTSH", b"PCLT", b"SVG ")

#: Signatures of the replaced functions, checked by :func:`install`.
_SIGNATURES = {
    "_harfbuzz_subset": "(self, to_unicode, hinting)",
    "build_fonts_dictionary": "(pdf, fonts, compress, subset, options)",
}

_ATTRIBUTE = "_typeset_compaction"


@dataclass
class Compaction:
    """What is known about one ``Font`` object: whether its face can be compacted, the subsets
    made so far (by glyph set and flags) and the bare CFF table embedded by the current write."""

    eligible: bool | None = None
    subsets: dict = field(default_factory=dict)
    cff: bytes | None = None
    original: bytes | None = None  # ``file_content`` before the compact subset replaced it


def compaction(font) -> Compaction:
    state = _state(font)
    if state is None:
        state = font.__dict__[_ATTRIBUTE] = Compaction()
    return state


def _state(font) -> Compaction | None:
    return font.__dict__.get(_ATTRIBUTE)


# --------------------------------------------------------------------------
# Reading fonts through WeasyPrint's HarfBuzz
# --------------------------------------------------------------------------

@contextmanager
def _table_data(hb_face, tag: bytes):
    """A read-only view of one table of a HarfBuzz face (empty when the face has none), valid
    inside the ``with`` block: the original fonts' tables are megabytes, not copied."""
    from weasyprint.text.ffi import ffi, harfbuzz

    blob = harfbuzz.hb_face_reference_table(hb_face, harfbuzz.hb_tag_from_string(tag, -1))
    try:
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(blob, length)
        yield memoryview(b"" if data == ffi.NULL else ffi.buffer(data, int(length[0])))
    finally:
        harfbuzz.hb_blob_destroy(blob)


def _identity_cid_font(hb_face) -> bool:
    """Whether a face is a CID-keyed CFF whose glyph ids are its CIDs."""
    with _table_data(hb_face, b"CFF ") as cff:
        try:
            return bool(cff) and has_identity_charset(cff)
        except CFFError:
            return False


def _dense_subset(font, glyphs: tuple[int, ...], hinting: bool):
    """The HarfBuzz subset of ``font`` to ``glyphs`` with new, dense glyph ids (or None)."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    request = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    if request == ffi.NULL:
        return None
    _add(harfbuzz_subset.hb_subset_input_glyph_set(request), glyphs)
    drop = harfbuzz_subset.hb_subset_input_set(request, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    _add(drop, sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROP_TABLES))
    flags = harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(request, flags)
    face = harfbuzz_subset.hb_subset_or_fail(font.hb_face, request)
    return None if face == ffi.NULL else ffi.gc(face, harfbuzz.hb_face_destroy)


def _add(hb_set, values) -> None:
    from weasyprint.text.ffi import ffi, harfbuzz

    array = ffi.new(f"hb_codepoint_t[{len(values)}]", values)
    harfbuzz.hb_set_add_sorted_array(hb_set, array, len(values))


def compact(font, to_unicode, hinting: bool) -> tuple[bytes, bytes] | None:
    """(OpenType subset, its bare ``CFF `` table) of ``font`` with dense glyph ids, every used
    glyph kept under its original CID; None when the font can't be compacted that way."""
    state = compaction(font)
    if state.eligible is None:
        state.eligible = "CFF " in font.tables and _identity_cid_font(font.hb_face)
    if not state.eligible:
        return None
    missing = set(font.missing.values())
    glyphs = tuple(sorted(gid for gid in to_unicode if gid not in missing))
    key = (glyphs, bool(hinting), bool(font.missing))
    if key not in state.subsets:
        state.subsets[key] = _checked_subset(font, glyphs, hinting)
    return state.subsets[key]


def _checked_subset(font, glyphs: tuple[int, ...], hinting: bool) -> tuple[bytes, bytes] | None:
    from weasyprint.text.fonts import get_hb_object_data

    face = _dense_subset(font, glyphs, hinting)
    if face is None:
        return None
    with _table_data(face, b"CFF ") as view:
        cff = bytes(view)
    try:
        cids = cid_charset(cff) if cff else None
    except CFFError:
        return None
    # The page codes are the original glyph ids: each must be a CID of the subset.
    if cids is None or not set(glyphs) <= set(cids):
        return None
    content = get_hb_object_data(face)
    return (content, cff) if content and content[:4] == b"OTTO" else None


# --------------------------------------------------------------------------
# The replacements
# --------------------------------------------------------------------------

def _make_harfbuzz_subset(stock):
    def _harfbuzz_subset(self, to_unicode, hinting):
        """Subset with dense glyph ids when the font is a CID-keyed CFF with CID = glyph id."""
        result = compact(self, to_unicode, hinting)
        if result is None:
            return stock(self, to_unicode, hinting)
        state = compaction(self)
        if state.cff is None:
            state.original = self.file_content
        self.file_content, state.cff = result

    _harfbuzz_subset.__wrapped__ = stock
    return _harfbuzz_subset


def _make_build_fonts_dictionary(stock):
    import pydyf

    def build_fonts_dictionary(pdf, fonts, compress, subset, options):
        """WeasyPrint's font dictionaries, with compacted fonts embedded as bare CFF."""
        for font in fonts.values():
            state = _state(font)
            if state is not None and state.cff is not None:  # compacted by an earlier write
                font.file_content, state.cff = state.original, None
        start = len(pdf.objects)
        result = stock(pdf, fonts, compress, subset, options)
        bare = {id(font.file_content): state.cff for font in fonts.values()
                if (state := _state(font)) is not None and state.cff is not None}
        for obj in pdf.objects[start:]:
            if isinstance(obj, pydyf.Stream) and len(obj.stream) == 1 and id(obj.stream[0]) in bare:
                obj.stream = [bare[id(obj.stream[0])]]
                obj.extra["Subtype"] = "/CIDFontType0C"
        return result

    build_fonts_dictionary.__wrapped__ = stock
    return build_fonts_dictionary


# --------------------------------------------------------------------------
# Installation
# --------------------------------------------------------------------------

_LOCK = threading.Lock()
_ORIGINALS: dict[str, object] = {}


def check_internals() -> None:
    """Raise :class:`EnvironmentProblem` unless WeasyPrint is the release this was written for."""
    import weasyprint
    from weasyprint import pdf
    from weasyprint.pdf.fonts import Font

    if weasyprint.__version__ != WEASYPRINT_VERSION:
        raise EnvironmentProblem(
            f"PDF 字体精简只适用于 WeasyPrint {WEASYPRINT_VERSION}，当前安装的是 {weasyprint.__version__}："
            f"请安装 weasyprint=={WEASYPRINT_VERSION}（make demo 会装好）。")
    found = {"_harfbuzz_subset": Font._harfbuzz_subset, "build_fonts_dictionary": pdf.build_fonts_dictionary}
    for name, function in found.items():
        if str(inspect.signature(function)) != _SIGNATURES[name]:
            raise EnvironmentProblem(
                f"PDF 字体精简无法识别 WeasyPrint 的 {name}（版本不符？）：请重新安装 weasyprint=={WEASYPRINT_VERSION}。")


def install() -> None:
    """Install the compaction into WeasyPrint (idempotent, thread-safe)."""
    with _LOCK:
        if _ORIGINALS:
            return
        check_internals()
        from weasyprint import pdf
        from weasyprint.pdf.fonts import Font

        _ORIGINALS["_harfbuzz_subset"] = Font._harfbuzz_subset
        _ORIGINALS["build_fonts_dictionary"] = pdf.build_fonts_dictionary
        Font._harfbuzz_subset = _make_harfbuzz_subset(Font._harfbuzz_subset)
        pdf.build_fonts_dictionary = _make_build_fonts_dictionary(pdf.build_fonts_dictionary)


def uninstall() -> None:
    """Give WeasyPrint its own functions back (for comparisons and tests)."""
    with _LOCK:
        if not _ORIGINALS:
            return
        from weasyprint import pdf
        from weasyprint.pdf.fonts import Font

        Font._harfbuzz_subset = _ORIGINALS.pop("_harfbuzz_subset")
        pdf.build_fonts_dictionary = _ORIGINALS.pop("build_fonts_dictionary")


def installed() -> bool:
    return bool(_ORIGINALS)
