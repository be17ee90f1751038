"""The charset of a CID-keyed CFF font, read without decompiling the font.

A CID-keyed CFF (``ROS`` in its Top DICT) names each glyph by a CID through its charset.
Compacting a font for the PDF (:mod:`typeset.typography.compact_fonts`) relies on the charset
mapping every glyph id to the same CID in the original font, and on the subset keeping each
glyph's original CID.  fontTools reads a charset only by building a glyph name per glyph
(~40 ms for the 65,535 glyphs of Noto CJK); the Top DICT operators are decoded by fontTools
here, the INDEX and charset structures (CFF spec, Adobe TN #5176, sections 5, 8 and 13) are
read directly in well under a millisecond.
"""

from __future__ import annotations


class CFFError(ValueError):
    """The data is not a CFF table this module can read."""


class _SIDs:
    """Strings for the DICT decompiler: the ROS strings are not needed, their SIDs will do."""

    def __getitem__(self, sid: int) -> int:
        return sid


def cid_charset(cff: bytes) -> list[int] | None:
    """The CID of each glyph id (index) of a CFF table; None for a name-keyed font."""
    runs = _cid_runs(cff)
    if runs is None:
        return None
    cids = [0]
    for first, count in runs:
        cids.extend(range(first, first + count))
    return cids


def has_identity_charset(cff: bytes) -> bool:
    """Whether a CFF table is CID-keyed with every glyph id mapped to the same CID."""
    runs = _cid_runs(cff)
    if runs is None:
        return False
    gid = 1
    for first, count in runs:
        if first != gid:
            return False
        gid += count
    return True


def _cid_runs(cff: bytes) -> list[tuple[int, int]] | None:
    """The charset of a CID-keyed CFF as runs of consecutive CIDs (first CID, glyph count)
    for glyphs 1, 2, … in order; None for a name-keyed font."""
    try:
        top = _top_dict(cff)
        if "ROS" not in top:
            return None
        glyphs = _card16(cff, top["CharStrings"])
        return _charset(cff, top["charset"], glyphs)
    except (IndexError, KeyError, TypeError, AssertionError) as error:
        raise CFFError(f"unreadable CFF table: {error!r}") from None


def _top_dict(cff: bytes) -> dict:
    from fontTools.cffLib import TopDictDecompiler  # half a second to import: only when needed

    if cff[0] != 1:
        raise CFFError(f"CFF major version {cff[0]} (only 1 is read here)")
    names_end = _index_end(cff, cff[2])  # the Name INDEX follows the header
    start, end = _index_item(cff, names_end, 0)  # the first (only) Top DICT
    decompiler = TopDictDecompiler(_SIDs())
    decompiler.decompile(bytes(cff[start:end]))
    return decompiler.getDict()


def _index_layout(cff: bytes, offset: int) -> tuple[int, int, int]:
    """(count, offSize, position of the offset array) of the INDEX at ``offset``."""
    count = _card16(cff, offset)
    return count, (cff[offset + 2] if count else 0), offset + 3


def _index_offset(cff: bytes, array: int, size: int, i: int) -> int:
    return int.from_bytes(cff[array + i * size: array + (i + 1) * size], "big")


def _index_end(cff: bytes, offset: int) -> int:
    count, size, array = _index_layout(cff, offset)
    if not count:
        return offset + 2
    data = array + (count + 1) * size - 1
    return data + _index_offset(cff, array, size, count)


def _index_item(cff: bytes, offset: int, i: int) -> tuple[int, int]:
    count, size, array = _index_layout(cff, offset)
    if i >= count:
        raise CFFError(f"INDEX at {offset} has {count} items")
    data = array + (count + 1) * size - 1
    return data + _index_offset(cff, array, size, i), data + _index_offset(cff, array, size, i + 1)


def _card16(cff: bytes, offset: int) -> int:
    return int.from_bytes(cff[offset: offset + 2], "big")


def _charset(cff: bytes, offset: int, glyphs: int) -> list[tuple[int, int]]:
    """Runs (first CID, count) of glyphs 1..glyphs-1 from a charset of format 0, 1 or 2."""
    form, position = cff[offset], offset + 1
    if form == 0:
        return [(_card16(cff, position + 2 * i), 1) for i in range(glyphs - 1)]
    if form not in (1, 2):
        raise CFFError(f"charset format {form}")
    size = 3 if form == 1 else 4
    runs, covered = [], 1
    while covered < glyphs:
        first = _card16(cff, position)
        count = 1 + (cff[position + 2] if form == 1 else _card16(cff, position + 2))
        runs.append((first, min(count, glyphs - covered)))
        covered += count
        position += size
    return runs
