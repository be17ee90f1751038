"""Render stage: the document model → the HTML master (Jinja2 templates + the style's CSS)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from typeset import provenance, sandbox
from typeset.figures import FigureSet, plan_figures
from typeset.model import Bulletin, IssueMeta, runs
from typeset.resources import templates_dir
from typeset.styles import Style, load_style
from typeset.typography.markup import cjk


@dataclass(frozen=True)
class Rendered:
    """The HTML master and what the writers need beside it."""

    html: str
    style: Style
    bulletin: Bulletin
    figures: FigureSet = field(default_factory=FigureSet)  # every picture, placed (prepared on demand)


def template_env(style: Style, issue_root: Path | None, paged: bool = True) -> jinja2.Environment:
    """Templates are looked up in the issue's ``templates/``, the style's, then the bundled ones.

    ``paged``: the markup is for a fixed layout (the HTML master, laid out for print), where
    word joiners steer line breaks; a reflowable EPUB gets the text without them."""
    search = []
    if issue_root is not None:
        search.append(issue_root / "templates")
    search += [folder / "templates" for folder in style.search_path]
    search.append(templates_dir())
    env = sandbox.environment(
        search,
        issue_root,
        autoescape=jinja2.select_autoescape(["html", "xhtml", "html.j2", "xhtml.j2", "xml.j2"], default=True),
    )
    latin_gap = style.type.get("cjk_latin_space", "none") == "quarter"
    env.filters["cjk"] = partial(cjk, joiners=paged, latin_gap=latin_gap)
    env.filters["runs"] = runs
    env.globals["paged"] = paged
    env.globals.update(figures=FigureSet(), figure_src=master_src)
    return env


def master_src(placed) -> str:
    """The master names a prepared picture, never a file: the print layout's fetcher serves it."""
    return f"figure:{placed.key}"


def render_css(style: Style, name: str, paper: str) -> str:
    """Render ``<name>.css.j2`` of the style with its manifest values."""
    filename = f"{name}.css.j2"
    style.find(filename)  # a missing stylesheet names the style and where it looked
    env = sandbox.environment(style.search_path, style.issue_root, autoescape=False, keep_trailing_newline=False)
    return sandbox.render(env, filename, style=style.template_view(), geo=style.geometry(paper))


def date_label(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def timestamp(meta: IssueMeta) -> str:
    """The issue date as an ISO timestamp: creation and modification dates never come from the clock."""
    return meta.moment.isoformat()


def keywords(bulletin: Bulletin) -> str:
    names = [bulletin.meta.title, "会刊"] + [s.title for s in bulletin.sections if s.title]
    return ", ".join(dict.fromkeys(names))


def overrides_root(bulletin: Bulletin) -> Path | None:
    """The folder whose ``templates/`` and ``style/`` may override ours: an issue folder's only,
    never whatever happens to lie beside a single text file."""
    is_folder = any(source.name == "issue.toml" for source in bulletin.sources)
    return Path(bulletin.root) if bulletin.root and is_folder else None


def render_master(bulletin: Bulletin, style: Style | None = None) -> Rendered:
    """The HTML master; ``style``: the issue's, when the caller has loaded it already."""
    root = overrides_root(bulletin)
    style = style or load_style(bulletin.meta.style, root)
    env = template_env(style, root)
    figures = plan_figures(bulletin, style)
    env.globals["figures"] = figures
    css = {name: render_css(style, name, bulletin.meta.paper) for name in ("common", "screen", "print")}
    html = sandbox.render(
        env,
        "master.html.j2",
        meta=bulletin.meta,
        sections=bulletin.sections,
        css=css,
        version=provenance.generator_version(),
        timestamp=timestamp(bulletin.meta),
        date_label=date_label(bulletin.meta.date),
        keywords=keywords(bulletin),
    )
    return Rendered(html, style, bulletin, figures)
