"""Finding installed fonts by family name (fontconfig's ``fc-match``), shared by the checks,
the EPUB font subsets and the EPUB cover."""

from __future__ import annotations

import subprocess
from functools import cache


@cache
def find_font(family: str, weight: str = "") -> tuple[str, int] | None:
    """``(file, face index)`` of the installed ``family`` (``weight``: e.g. ``bold``), or None
    when it is not installed — fontconfig's substitute for a missing family does not count."""
    if family.casefold() not in installed_families():
        return None  # a style's fallback list names many fonts that are not installed: no fc-match each
    pattern = f"{family}:{weight}" if weight else family
    done = _run(["fc-match", "-f", "%{family}\n%{file}\n%{index}", pattern])
    parts = done.split("\n")
    if len(parts) < 3 or not parts[1]:
        return None
    names = {name.strip().casefold() for name in parts[0].split(",")}
    if family.casefold() not in names:
        return None
    return parts[1], int(parts[2] or 0)


@cache
def installed_families() -> frozenset[str]:
    """Every family name (casefolded) of the installed fonts, from one ``fc-list`` call."""
    listed = _run(["fc-list", "--format", "%{family}\n"])
    return frozenset(name.strip().casefold() for line in listed.splitlines() for name in line.split(","))


def _run(command: list[str]) -> str:
    """What ``command`` prints, or "" when it fails or is missing."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout if done.returncode == 0 else ""
