"""Render stage of the library: the site's HTML pages, stylesheet and script.

Every link is relative (the site works from any folder of any host, and as far as possible from
``file://``); a page is rewritten only when its bytes change, so an unchanged site stays unchanged.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from typeset import __version__, sandbox
from typeset.figures import FigureSet, Placed, plan_figures
from typeset.figures.prepare import prepare
from typeset.library.archive import Settings
from typeset.library.catalog import IssueView, by_year, href
from typeset.outputs import replace_file
from typeset.render import template_env
from typeset.resources import templates_dir
from typeset.styles import load_style

ASSETS = ("site.css", "search.js")  # copied from templates/library/ to the site root
COLUMN_PX = 680  # the text column's width (site.css: .text, 40em of 17 px): a full-width picture's 1x


@cache
def site_env() -> jinja2.Environment:
    """The site's pages and feeds: the tool's own templates, sandboxed and autoescaped."""
    env = sandbox.library_environment()
    env.filters["href"] = href
    return env


def render_page(name: str, **values) -> str:
    """Render one of the site's own templates (``library/…``) through the sandbox's limits."""
    return sandbox.render_library(site_env(), name, **values)


@cache
def issue_env(style: str) -> jinja2.Environment:
    """The issue page's text: the bundled style's block macros, never an issue's own templates
    or style (those change the issue's own editions only), compiled once a run."""
    env = template_env(load_style(style), None, paged=False)
    env.filters["href"] = href
    return env


def write_if_changed(site: Path, name: str, data: bytes) -> bool:
    """Write ``site/name`` unless it is a regular file holding exactly these bytes; True when
    written. A symlink there is replaced, never read nor written through."""
    if holds(site, name, data):
        return False
    replace_file(site, name, data)
    return True


def holds(site: Path, name: str, data: bytes) -> bool:
    """``site/name`` is a regular file (not a link) holding exactly ``data``; the size is
    compared first, so a huge file put there is never read."""
    path = site / name
    try:
        return path.is_file() and not path.is_symlink() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def render_pages(settings: Settings, issues: list[IssueView], volumes: dict[int, str] | None = None,
                 issue_pages: dict[str, str | bytes] | None = None) -> dict[str, str | bytes]:
    """Every file of the site's pages, ``{path relative to the site: text or bytes}``
    (``volumes``: year → its 合订本, linked from the front page; ``issue_pages``: the issues'
    pages and their pictures, if already rendered)."""
    pages = {"index.html": render_index(settings, issues, volumes or {}), "search.html": render_search(settings)}
    if issue_pages is None:
        pictures: dict[str, bytes] = {}
        issue_pages = {view.page: render_issue(settings, view, pictures) for view in issues}
        issue_pages |= pictures
    pages.update(issue_pages)
    pages.update((name, (templates_dir() / "library" / name).read_text(encoding="utf-8")) for name in ASSETS)
    return pages


def common(settings: Settings, depth: int) -> dict:
    return {"site": settings, "root": "../" * depth, "depth": depth, "version": __version__}


def render_index(settings: Settings, issues: list[IssueView], volumes: dict[int, str]) -> str:
    return render_page("library/index.html.j2", years=by_year(issues), count=len(issues), volumes=volumes,
                       **common(settings, 0))


def render_search(settings: Settings) -> str:
    return render_page("library/search.html.j2", **common(settings, 0))


def render_issue(settings: Settings, view: IssueView, pictures: dict[str, bytes] | None = None) -> str:
    """The issue's page: cover, downloads, contents and the whole text to read on screen; its
    pictures, as files beside it, are added to ``pictures`` (path relative to the site → bytes).

    The text comes from the same block macros as the HTML master and the EPUB (``macros.html.j2``),
    without the print edition's word joiners, so search and copy see the plain text."""
    bulletin = view.bulletin
    # A fresh environment when the issue has pictures: Jinja snapshots the globals into an
    # imported macro module once, so a shared environment would keep the first issue's figures.
    figures = plan_figures(bulletin, load_style(bulletin.meta.style))
    env = issue_env.__wrapped__(bulletin.meta.style) if figures.placed else issue_env(bulletin.meta.style)
    screen = ScreenPictures(figures, view.issue_id)
    env.globals.update(figures=figures, figure_src=screen.src, figure_attrs=screen.attributes)
    page = sandbox.render_library(env, "library/issue.html.j2", view=view, meta=view.meta,
                                  sections=bulletin.sections, **common(settings, 1))
    if pictures is not None:
        pictures.update(screen.files)
    return page


class ScreenPictures:
    """An issue page's pictures as files beside it (``<issue>/<issue>-<picture>-<width>.jpg``),
    each at the width it is shown in the text column (1x) and twice that (2x, for sharp
    screens), never wider than its source; no EXIF (the screen versions have none). The page
    stays light: the browser fetches a picture when it nears the screen (loading="lazy")."""

    def __init__(self, figures: FigureSet, issue_id: str):
        self.figures, self.issue_id = figures, issue_id
        self.files: dict[str, bytes] = {}

    def src(self, placed: Placed) -> str:
        return self.version(placed, 1)[0]

    def attributes(self, placed: Placed) -> Markup:
        """srcset, width and height (the box is kept before the picture arrives), lazy loading."""
        (one, size), (two, _) = self.version(placed, 1), self.version(placed, 2)
        srcset = f' srcset="{one} 1x, {two} 2x"' if two != one else ""
        return Markup(f'{srcset} width="{size[0]}" height="{size[1]}" loading="lazy" decoding="async"')

    def version(self, placed: Placed, scale: int) -> tuple[str, tuple[int, int]]:
        """The file's name (relative to the issue page) and pixel size at ``scale``."""
        source_width = placed.source.size[0]
        width = min(source_width, max(1, round(COLUMN_PX * placed.share * scale)))
        prepared = prepare(placed.source, width, "screen")
        name = f"{self.issue_id}-{placed.source.digest[:16]}-{prepared.size[0]}{prepared.suffix}"
        self.files[f"{self.issue_id}/{name}"] = prepared.data
        return name, prepared.size
