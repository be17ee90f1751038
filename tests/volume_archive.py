"""A year of twelve small issues (2020) for the annual volume and the fixity checks, built once
per test session into a library site (see the ``year_library`` fixture in conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.library_archive import issue_toml, sample_articles, write_issue
from typeset.library import LibraryResult, build_library

YEAR = 2020
ISSUES = 12
TWO_SECTIONS = (3, 7)  # these issues also have a 协会动态 section (the others only 工作交流)


@dataclass(frozen=True)
class YearLibrary:
    archive: Path
    site: Path
    result: LibraryResult


def make_year(root: Path) -> Path:
    articles = sample_articles()
    for k in range(1, ISSUES + 1):
        sections = {"01-工作交流.txt": articles[k % 5]}
        if k in TWO_SECTIONS:
            sections["02-协会动态.txt"] = articles[(k + 1) % 5]
        write_issue(root / f"{k:02d}", issue_toml(YEAR, k, k, 100 + k), sections)
    return root


def build_year_library(root: Path) -> YearLibrary:
    archive = make_year(root / "archive")
    site = root / "site"
    result = build_library(archive, site, workers=2)
    assert result.warnings == [] and result.failures == [], (result.warnings, result.failures)
    return YearLibrary(archive, site, result)
