"""The library's feeds: an OPDS 1.2 catalog (navigation feed → a feed per year → acquisition
entries) for e-reader apps, and an Atom feed of new issues. Dates come from the issues, never
from the clock, so the same archive gives the same bytes. The catalogue's author is the library
(library.toml's title); each entry's is the publisher of its issue, published on its date
(atom:published, which Readium-based readers show, and dc:issued)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from typeset.epub.package import identifier
from typeset.library.archive import Settings
from typeset.library.catalog import IssueView, by_year, href
from typeset.library.pages import render_page

NEW_ISSUES = 20  # entries in the Atom feed of new issues
EPOCH = "2000-01-01T00:00:00+00:00"  # an empty library's "updated"


@dataclass(frozen=True)
class Year:
    year: int
    issues: list[IssueView]
    id: str

    @property
    def path(self) -> str:
        return f"opds/{self.year}.xml"

    @property
    def updated(self) -> str:
        return latest(self.issues)


def latest(issues: list[IssueView]) -> str:
    return max((v.meta.moment.isoformat() for v in issues), default=EPOCH)


def feed_id(settings: Settings) -> str:
    """The base URL when the site has one, else a stable UUID from the site's title."""
    if settings.base_url:
        return settings.base_url + "opds.xml"
    return urn(f"urn:typeset:library:{settings.title}")


def urn(name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def render_feeds(settings: Settings, issues: list[IssueView]) -> dict[str, str]:
    """``{path relative to the site: XML text}`` for opds.xml, opds/<year>.xml and feed.xml."""
    base = feed_id(settings)
    years = [Year(year, views, urn(f"{base}:{year}")) for year, views in by_year(issues)]
    # The catalogue's author is the library; each entry names its own issue's publisher.
    common = {"site": settings, "author": settings.title, "entry_id": lambda view: identifier(view.meta),
              "feed_id": base, "updated": latest(issues)}
    feeds = {"opds.xml": render_page(
        "library/opds-navigation.xml.j2", years=years, link=linker(settings, 0), **common)}
    for year in years:
        feeds[year.path] = render_page(
            "library/opds-year.xml.j2", year=year, link=linker(settings, 1), **common)
    newest = sorted(issues, key=lambda v: (v.meta.date, v.issue_id), reverse=True)[:NEW_ISSUES]
    feeds["feed.xml"] = render_page(
        "library/atom.xml.j2", issues=newest, link=linker(settings, 0), new_feed_id=urn(f"{base}:new"), **common)
    return feeds


def linker(settings: Settings, depth: int):
    """Links in a feed ``depth`` folders below the site root: absolute under the site's base URL
    when library.toml gives one (feed readers want that), relative otherwise."""
    if settings.base_url:
        return lambda path: settings.base_url + href(path)
    return lambda path: href(path, depth)
