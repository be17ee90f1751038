"""Render stage of the library: the site's HTML pages, stylesheet and script.

Every link is relative (the site works from any folder of any host, and as far as possible from
``file://``); a page is rewritten only when its bytes change, so an unchanged site stays unchanged.
"""

from __future__ import annotations

import base64
from functools import cache, partial
from pathlib import Path

import jinja2

from typeset import __version__, sandbox
from typeset.figures import FigureSet, plan_figures
from typeset.library.archive import Settings
from typeset.library.catalog import IssueView, by_year, href
from typeset.outputs import replace_file
from typeset.render import template_env
from typeset.resources import templates_dir
from typeset.styles import load_style

ASSETS = ("site.css", "search.js")  # copied from templates/library/ to the site root


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
    path = site / name
    try:
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            return False
    except OSError:
        pass
    replace_file(site, name, data)
    return True


def render_pages(settings: Settings, issues: list[IssueView], volumes: dict[int, str] | None = None,
                 issue_pages: dict[str, str] | None = None) -> dict[str, str]:
    """Every page of the site, ``{path relative to the site: text}`` (``volumes``: year → its
    合订本, linked from the front page; ``issue_pages``: the issues' pages, if already rendered)."""
    pages = {"index.html": render_index(settings, issues, volumes or {}), "search.html": render_search(settings)}
    if issue_pages is None:
        issue_pages = {view.page: render_issue(settings, view) for view in issues}
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


def render_issue(settings: Settings, view: IssueView) -> str:
    """The issue's page: cover, downloads, contents and the whole text to read on screen.

    The text comes from the same block macros as the HTML master and the EPUB (``macros.html.j2``),
    without the print edition's word joiners, so search and copy see the plain text."""
    bulletin = view.bulletin
    # A fresh environment when the issue has pictures: Jinja snapshots the globals into an
    # imported macro module once, so a shared environment would keep the first issue's figures.
    figures = plan_figures(bulletin, load_style(bulletin.meta.style))
    env = issue_env.__wrapped__(bulletin.meta.style) if figures.placed else issue_env(bulletin.meta.style)
    env.globals.update(figures=figures, figure_src=partial(inline_picture, figures))
    return sandbox.render_library(env, "library/issue.html.j2", view=view, meta=view.meta,
                                  sections=bulletin.sections, **common(settings, 1))


def inline_picture(figures: FigureSet, placed) -> str:
    """A picture of the screen edition as a ``data:`` URL: the page stays one file, readable
    from any folder and from ``file://``, and carries no EXIF (the screen versions have none)."""
    prepared = figures.prepared(placed, "screen")
    return f"data:{prepared.media_type};base64,{base64.b64encode(prepared.data).decode('ascii')}"
