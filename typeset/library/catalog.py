"""The library's own model: what the site and the feeds show of each built issue."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from typeset.model import Article, Bulletin, IssueMeta
from typeset.render import date_label

# What a member may download, in the order shown: (format, label, media type)
DOWNLOADS = (
    ("epub", "EPUB 电子书（手机、阅读器）", "application/epub+zip"),
    ("pdf", "PDF（与印刷版相同）", "application/pdf"),
    ("archive", "PDF/A 存档版", "application/pdf"),
)


@dataclass(frozen=True)
class Download:
    name: str
    label: str
    media_type: str
    path: str  # relative to the site root, e.g. "2014-05/2014-05.epub"
    size: int

    @property
    def size_label(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / 1024 / 1024:.1f} MB"
        return f"{max(1, round(self.size / 1024))} KB"


@dataclass(frozen=True)
class Cover:
    path: str  # relative to the site root
    width: int
    height: int


@dataclass(frozen=True)
class IssueView:
    """A built issue as the site presents it; every path is relative to the site root."""

    bulletin: Bulletin
    downloads: tuple[Download, ...]
    cover: Cover | None

    @property
    def meta(self) -> IssueMeta:
        return self.bulletin.meta

    @property
    def issue_id(self) -> str:
        return self.meta.issue_id

    @property
    def page(self) -> str:
        return f"{self.issue_id}/index.html"

    @property
    def date_label(self) -> str:
        return date_label(self.meta.date)

    @property
    def articles(self) -> list[Article]:
        return [a for a in self.bulletin.articles() if a.title]

    @property
    def summary(self) -> str:
        """The article titles, for the feeds' summaries."""
        return "；".join(a.title for a in self.articles)

    def download(self, name: str) -> Download | None:
        return next((d for d in self.downloads if d.name == name), None)


def issue_view(bulletin: Bulletin, files: dict[str, str], site: Path) -> IssueView:
    """``files``: format → path relative to the site, as recorded by the build."""
    downloads = tuple(
        Download(name, label, media, files[name], (site / files[name]).stat().st_size)
        for name, label, media in DOWNLOADS if name in files and (site / files[name]).is_file()
    )
    cover = None
    if "cover" in files and (site / files["cover"]).is_file():
        width, height = png_size(site / files["cover"])
        cover = Cover(files["cover"], width, height)
    return IssueView(bulletin, downloads, cover)


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    with path.open("rb") as handle:
        header = handle.read(24)
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def by_year(issues: list[IssueView]) -> list[tuple[int, list[IssueView]]]:
    """Years newest first; in a year, the newest issue first."""
    ordered = sorted(issues, key=lambda v: (v.meta.year, v.meta.number), reverse=True)
    years: dict[int, list[IssueView]] = {}
    for view in ordered:
        years.setdefault(view.meta.year, []).append(view)
    return list(years.items())


def href(path: str, depth: int = 0) -> str:
    """A site-root-relative path as a link from a page ``depth`` folders down (percent-encoded)."""
    return "../" * depth + quote(path)
