"""Chinese typography for the print edition.

* :func:`install` extends WeasyPrint 70.0 with inter-character justification
  (:mod:`typeset.typography.justify`) and embeds CJK fonts compactly in the PDF
  (:mod:`typeset.typography.compact_fonts`);
* :func:`typeset.typography.markup.cjk` turns text into HTML with punctuation
  compression spans and word joiners for the line-break rules
  (:mod:`typeset.typography.markup`).
"""

from __future__ import annotations

from typeset.typography import compact_fonts, justify
from typeset.typography.justify import STATS, check_versions
from typeset.typography.markup import cjk

__all__ = ["STATS", "check_versions", "cjk", "install", "installed", "uninstall"]


def install() -> None:
    """Install both WeasyPrint extensions (idempotent; refuses other WeasyPrint releases)."""
    justify.install()
    compact_fonts.install()


def uninstall() -> None:
    """Give WeasyPrint its own functions back (for measurements and tests)."""
    justify.uninstall()
    compact_fonts.uninstall()


def installed() -> bool:
    return justify.installed() or compact_fonts.installed()
