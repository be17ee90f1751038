"""What made an edition: the versions of huikan and of the libraries that decide its bytes.

They go into the HTML master's ``generator`` (and so into every PDF's ``/Creator`` and the
PDF/A's ``xmp:CreatorTool``), so an archived issue says what made it. The lock files pin
them; ``tests/test_pins.py`` checks that the installed versions are the locked ones.
"""

from __future__ import annotations

import platform
from functools import cache
from importlib import metadata

from typeset import __version__

# (the name printed, the distribution on PyPI): the libraries whose version changes output bytes.
LIBRARIES = (
    ("WeasyPrint", "weasyprint"),
    ("pydyf", "pydyf"),
    ("ebooklib", "ebooklib"),
    ("fontTools", "fonttools"),
    ("Pillow", "pillow"),
)


@cache
def versions() -> dict[str, str]:
    """``{"huikan": "0.1.0", "WeasyPrint": "70.0", …, "Python": "3.11.2"}``."""
    found = {"huikan": __version__}
    found.update((label, _version(distribution)) for label, distribution in LIBRARIES)
    found["Python"] = platform.python_version()
    return found


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "未安装"


def generator_version() -> str:
    """``huikan 0.1.0 (WeasyPrint 70.0, pydyf 0.13.0, …, Python 3.11.2)``: the master's
    generator, named as editors know the tool (the command, not the Python package)."""
    details = ", ".join(f"{label} {version}" for label, version in versions().items() if label != "huikan")
    return f"huikan {__version__} ({details})"
