"""Characters no font of the style can print: the print layout sets a visible "〓" (the
typesetter's mark for a missing character) in their place. Left to WeasyPrint they become
.notdef glyphs, and the font's text layer for the whole line turns to garbage in pypdf and
pdfminer. ``check`` reports each of them as an error naming the character."""

from __future__ import annotations

import unicodedata

from typeset.check.fonts import PLACEHOLDER, is_sequence_part, printable
from typeset.styles import Style

_DRAWN = ("L", "N", "P", "S", "Co", "Cn")  # categories that draw a glyph (not marks, spaces, controls)


def unprintable_chars(text: str, coverage: frozenset[int]) -> set[str]:
    return {ch for ch in set(text) if ord(ch) > 0x7E and ord(ch) not in coverage and _draws(ch)}


def _draws(ch: str) -> bool:
    category = unicodedata.category(ch)
    return not is_sequence_part(ch) and (category in _DRAWN or category[0] in _DRAWN)


def with_placeholders(master: str, style: Style) -> str:
    """The master with every character in its body that no font of the style has replaced by
    the placeholder (the head, which only feeds the PDF's metadata, is kept as written)."""
    start = master.find("<body")
    if start < 0:
        return master
    body = master[start:]
    missing = unprintable_chars(body, printable(style))
    if not missing:
        return master
    return master[:start] + body.translate({ord(ch): PLACEHOLDER for ch in missing})
