"""The library API: ``build()`` reads the whole issue, renders the master once, then runs the
writers into a staging folder and swaps the editions in together. The CLI is a thin layer over
it; tests call it directly."""

from __future__ import annotations

import gc
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from typeset.errors import CheckFailed, OutputError, TypesetError
from typeset.outputs import EditionSet, make_out_dir, recorded_source, remove_if_empty
from typeset.recipe import recipe_of
from typeset.render import render_master
from typeset.sources import load
from typeset.writers import BUILTIN as DEFAULT_FORMATS
from typeset.writers import EDITION_SUFFIXES, BuildContext, writers

LOGGER = logging.getLogger("typeset")
Progress = Callable[[str], None]  # told each stage's name, in Chinese ("读取", "排版第 3 页"…)


@dataclass
class BuildResult:
    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)
    findings: list = field(default_factory=list)  # what `huikan check` reports, errors forced through included
    pages: str = ""  # the print layout's summary line: pages, blank pages, how many lines to cut
    removed: list[Path] = field(default_factory=list)  # editions of an earlier build this one did not replace
    kept: list[Path] = field(default_factory=list)  # editions of an earlier build made from the same recipe
    layouts: int = 0  # full WeasyPrint layouts of the issue this build made (0: no print edition)
    fit: Any = None  # the print layout's FitReport (page fill, near-empty pages), when one ran
    style: Any = None  # the style the build loaded (a warm caller may hand it to the next build)


class WarningCollector(logging.Handler):
    """Counts the warnings our code and WeasyPrint log during a build."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{_speaker(record.name)}{record.getMessage()}")


def _speaker(logger: str) -> str:
    """Our own warnings speak for themselves; a library's are prefixed with its name."""
    if logger == "typeset" or logger.startswith("typeset."):
        return ""
    return "WeasyPrint：" if logger.split(".")[0] == "weasyprint" else f"{logger}："


class PageCounter(logging.Handler):
    """Turns WeasyPrint's progress log ("Creating layout - Page 3") into a stage name."""

    PAGE = re.compile(r"Creating layout - Page (\d+)")

    def __init__(self, progress: Progress) -> None:
        super().__init__(level=logging.INFO)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        match = self.PAGE.search(record.getMessage())
        if match:
            self.progress(f"排版第 {match.group(1)} 页")


def resolve_formats(formats: Iterable[str] | None) -> list[str]:
    available = writers()
    chosen = [name.strip().lower() for name in formats] if formats else [
        name for name in DEFAULT_FORMATS if name in available]
    unknown = [name for name in chosen if name not in available]
    if unknown:
        raise TypesetError(f"未知的输出格式：{'、'.join(unknown)}。可选：{'、'.join(available)}。")
    order = list(available)
    return sorted(dict.fromkeys(chosen), key=order.index)


def default_out_dir(issue_id: str) -> Path:
    return Path("output") / issue_id


UNFORCEABLE = frozenset({"picture-unreadable"})  # a picture that cannot be read cannot be printed


def run_checks(bulletin, force: bool, style=None) -> list:
    from typeset.check import check_bulletin

    report = check_bulletin(bulletin, style=style)
    if report.errors and not force:
        blocked = any(finding.rule in UNFORCEABLE for finding in report.errors)
        advice = "（找不到或打不开的图片须先处理，--force 也不能跳过）" if blocked else "，或加 --force 强制排版"
        raise CheckFailed(f"发现 {len(report.errors)} 处必须修改的错误，已停止排版。请运行 huikan check 查看并修改{advice}。",
                          findings=report.findings)
    return list(report.findings)


def validate(ctx: BuildContext, chosen: list[str]) -> None:
    """What can fail late is tried before anything is written: the cover image, the press
    edition's colour profile."""
    meta = ctx.bulletin.meta
    if meta.cover and "epub" in chosen:
        from typeset.epub.cover import make_cover

        make_cover(meta, ctx.rendered.style, ctx.bulletin.root)
    if ctx.options.get("press"):
        from typeset.writers.press import cmyk_style, output_intent_css

        output_intent_css(ctx)
        cmyk_style(ctx.rendered.style)


def _spare_collector() -> tuple[int, int, int]:
    """Before the layout: what has been read and rendered lives until the end of the build, so
    the garbage collector need not rescan it, nor run every 700 allocations among the layout's
    many short-lived objects (the sample ×10 spent 0.37 s CPU collecting, now 0.09 s).
    Returns the thresholds to restore."""
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(5000, *previous[1:])
    return previous


def build(
    source: Path | None = None,
    out_dir: Path | None = None,
    formats: Iterable[str] | None = None,
    metadata: dict[str, Any] | None = None,
    press: bool = False,
    check: bool = True,
    force: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    style: Any = None,
) -> BuildResult:
    """Build an issue: read → check → model → render → write. Returns the written files and warnings.

    The editor's checks run first: an error stops the build (``CheckFailed``) unless ``force``.
    ``strict``: any warning or finding fails the build (``CheckFailed``) before an edition is
    swapped in. All editions appear together or none does. ``style``: the issue's style, when a
    warm caller (the preview) keeps it between builds; by default loaded once here."""
    chosen = resolve_formats(formats)
    stage = progress or (lambda name: None)
    with _collecting(progress) as collector:
        stage("读取")
        loaded = load(source, metadata)
        style = style or issue_style(loaded)
        stage("校对")
        findings = run_checks(loaded.bulletin, force, style) if check else []
        stage("排版")
        rendered = render_master(loaded.bulletin, style)
        target = Path(out_dir) if out_dir else default_out_dir(loaded.bulletin.meta.issue_id)
        refuse_other_source(target, loaded.bulletin, force)
        created = make_out_dir(target)
        collector_settings = _spare_collector()
        try:
            ctx = BuildContext(rendered, target, options={"press": press})
            validate(ctx, chosen)
            origin = source_origin(loaded.bulletin) if out_dir is None else None  # -o: the editor's own folder
            files, removed, kept = _write(ctx, chosen, stage, collector, findings if strict else None, origin)
        except BaseException:
            remove_if_empty(created, target)
            raise
        finally:
            gc.unfreeze()
            gc.set_threshold(*collector_settings)
    return BuildResult(target, files, loaded.notes, collector.messages, findings, fit_summary(ctx), removed, kept,
                       ctx.shared.get("layouts", 0), ctx.shared.get("fit_report"), style)


def issue_style(loaded):
    """The issue's style, loaded once per build (by the reader when issue.toml names it) and
    handed to the checks and the renderer: a warm process may keep it."""
    if loaded.style is not None:
        return loaded.style
    from typeset.render import overrides_root
    from typeset.styles import load_style

    return load_style(loaded.bulletin.meta.style, overrides_root(loaded.bulletin))


def source_origin(bulletin) -> str:
    """Where an issue comes from: its folder (the one holding issue.toml), or its one text file."""
    for src in bulletin.sources:
        if Path(src.path).name == "issue.toml":
            return str(Path(src.path).resolve().parent)
    return str(Path(bulletin.sources[0].path).resolve()) if bulletin.sources else bulletin.root


def refuse_other_source(out_dir: Path, bulletin, force: bool) -> None:
    """The output folder holds this issue's editions made from another source that still exists
    (last month's folder copied and not renumbered): stop unless ``force``. A moved or renamed
    source folder is not another source. Only a build into the default output folder records
    its source: a folder given with ``-o`` (or the library's site) is the caller's choice, and
    a published site carries no local path."""
    issue_id = bulletin.meta.issue_id
    earlier, origin = recorded_source(out_dir, issue_id), source_origin(bulletin)
    if force or earlier is None or earlier == origin or not Path(earlier).exists():
        return
    raise OutputError(f"输出文件夹里已有 {issue_id} 的各版本，是由另一份源稿（{earlier}）排出的，本次会覆盖它们："
                      "已停止，没有写出任何文件。请核对 issue.toml 的 year 和 number，或用 --out 换一个输出文件夹；"
                      "确实要替换时加 --force。", out_dir)


def fit_summary(ctx: BuildContext) -> str:
    """The print layout's one line (pages, blank pages, lines to cut), when a layout ran."""
    report = ctx.shared.get("fit_report")
    return report.note if report is not None else ""


def _write(ctx: BuildContext, chosen: list[str], stage: Progress, collector, strict_findings,
           origin: str | None) -> tuple[dict[str, Path], list[Path], list[Path]]:
    """Every chosen edition into the staging folder, then (unless ``strict`` refuses) swapped in
    with the source marker naming ``origin`` (when given); returns the written files and the
    earlier editions removed and kept (in the editor's own folder, ``origin`` given, an edition
    made from the same recipe is kept)."""
    target = ctx.out_dir
    sources = [Path(src.path) for src in ctx.bulletin.sources if src.path]
    recipe = recipe_of(ctx.bulletin) if origin is not None else None
    with EditionSet(target, ctx.bulletin.meta.issue_id, sources, EDITION_SUFFIXES, recipe) as editions:
        ctx.out_dir = editions.staging
        written = {}
        for name in chosen:
            stage(_writing(writers()[name].label))
            LOGGER.info("writing %s", name)
            written[name] = writers()[name].write(ctx).name
        ctx.out_dir = target
        if strict_findings is not None and (collector.messages or strict_findings):
            count = len(collector.messages) + len(strict_findings)
            raise CheckFailed(f"有 {count} 条警告或校对提示（--strict 要求一条也没有），没有写出任何文件。",
                              strict_findings, collector.messages)
        if origin is not None:
            editions.mark_source(origin)
        editions.commit()
    return {name: target / file for name, file in written.items()}, editions.removed, editions.kept


def _writing(label: str) -> str:
    """``写印刷 PDF``, ``写 EPUB 电子书``: a space between Chinese and Latin, as in the labels."""
    return f"写{label}" if "\u4e00" <= label[:1] <= "\u9fff" else f"写 {label}"


@contextmanager
def _collecting(progress: Progress | None):
    """Collect the warnings of our code, WeasyPrint and fontTools; report laid-out pages."""
    collector = WarningCollector()
    watched = [logging.getLogger(name) for name in ("typeset", "weasyprint", "fontTools")]
    pages = logging.getLogger("weasyprint.progress")
    counter, level = PageCounter(progress), pages.level
    for logger in watched:
        logger.addHandler(collector)
    if progress is not None:
        pages.addHandler(counter)
        pages.setLevel(logging.INFO)
    try:
        yield collector
    finally:
        for logger in watched:
            logger.removeHandler(collector)
        pages.removeHandler(counter)
        pages.setLevel(level)
