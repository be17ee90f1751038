"""Chinese typography for the print edition.

* :func:`install` extends WeasyPrint 70.0 with inter-character justification
  (:mod:`typeset.typography.justify`);
* :func:`typeset.typography.markup.cjk` turns text into HTML with punctuation
  compression spans and word joiners for the line-break rules
  (:mod:`typeset.typography.markup`).
"""

from __future__ import annotations

from typeset.typography.justify import STATS, check_versions, install, installed, uninstall
from typeset.typography.markup import cjk

__all__ = ["STATS", "check_versions", "cjk", "install", "installed", "uninstall"]
