"""Finding installed fonts by family name (fontconfig's ``fc-match``), shared by the checks,
the EPUB font subsets and the EPUB cover."""

from __future__ import annotations

import subprocess
from functools import cache


@cache
def find_font(family: str, weight: str = "") -> tuple[str, int] | None:
    """``(file, face index)`` of the installed ``family`` (``weight``: e.g. ``bold``), or None
    when it is not installed — fontconfig's substitute for a missing family does not count."""
    pattern = f"{family}:{weight}" if weight else family
    try:
        done = subprocess.run(["fc-match", "-f", "%{family}\n%{file}\n%{index}", pattern],
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    parts = done.stdout.split("\n")
    if done.returncode != 0 or len(parts) < 3 or not parts[1]:
        return None
    names = {name.strip().casefold() for name in parts[0].split(",")}
    if family.casefold() not in names:
        return None
    return parts[1], int(parts[2] or 0)
