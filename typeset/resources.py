"""Where the bundled styles, templates and sample issue live.

In a checkout they are the top-level ``styles/``, ``templates/`` and ``seeds/`` folders; an
installed wheel carries them inside the package as ``typeset/_data/…``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    bundled = _PACKAGE / "_data"
    if (bundled / "styles").is_dir():
        return bundled
    return _PACKAGE.parent


def styles_dir() -> Path:
    return data_root() / "styles"


def templates_dir() -> Path:
    return data_root() / "templates"


def sample_issue_dir() -> Path:
    return data_root() / "seeds" / "sample"
