"""``build_library()``: an archive of issue folders → a static members' site.

read (the archive, the site's state) → build (changed issues only, in parallel) → render (pages,
feeds) → write (only files whose bytes changed) → index (Pagefind, when a page changed) → bind
(the annual volumes of changed years) → fixity (the SHA-256 manifests of the site and sources).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from typeset.build import WarningCollector
from typeset.errors import OutputError, SourceError
from typeset.library.archive import Archive, Entry, Failure, read_archive
from typeset.library.bindery import volume_links, write_volumes
from typeset.library.catalog import IssueView, issue_view
from typeset.library.feeds import render_feeds
from typeset.library.fixity import source_files, write_manifests
from typeset.library.pages import write_if_changed, write_pages
from typeset.library.search import has_index, index_site, search_files
from typeset.library.state import SiteState, issue_digest, load_state, save_state
from typeset.library.workers import COVER_NAME, Job, Outcome, build_all
from typeset.outputs import ensure_dir, is_real_file, real_folder
from typeset.scaffold import parse_issue_name

LOGGER = logging.getLogger("typeset")


@dataclass
class LibraryResult:
    site: Path
    built: list[str] = field(default_factory=list)  # issue ids whose editions were (re)built
    reused: list[str] = field(default_factory=list)  # issue ids left as they were
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # proof-reader hints, "folder：file:line …"
    changed: list[Path] = field(default_factory=list)  # site files written this run
    indexed: bool = False  # whether the search index was rebuilt


def build_library(archive: Path, site: Path, workers: int | None = None, force: bool = False) -> LibraryResult:
    """Build every changed issue of ``archive`` and write the site to ``site``.

    A failing issue is listed in ``result.failures`` and left out of the site; the others go on."""
    archive, site = Path(archive), Path(site)
    _check_places(archive, site)
    return _collecting(lambda: _build(read_archive(archive), ensure_dir(site), workers, force))


def build_volume(archive: Path, site: Path, year: int, workers: int | None = None) -> LibraryResult:
    """Only the annual volume of ``year``: that year's issues built into ``site`` (or reused from
    it, as the library would), then bound into ``site/合订本/``. The pages and manifests are left
    to ``build_library``."""
    archive, site = Path(archive), Path(site)
    _check_places(archive, site)
    return _collecting(lambda: _build_year(read_archive(archive), ensure_dir(site), year, workers))


def _collecting(run) -> LibraryResult:
    collector = WarningCollector()
    logging.getLogger("typeset").addHandler(collector)
    try:
        result = run()
    finally:
        logging.getLogger("typeset").removeHandler(collector)
    result.warnings[:0] = collector.messages
    return result


def _check_places(archive: Path, site: Path) -> None:
    """The site may not hold the archive nor lie inside it (it would be read as part of an issue)."""
    archive, where = archive.resolve(), site.resolve()
    if archive.is_relative_to(where) or where.is_relative_to(archive):
        raise OutputError("网站文件夹不能放在会刊文库文件夹里面，也不能是它本身或它的上级。请用 --out 另选一个文件夹。", site)


def _build(archive: Archive, site: Path, workers: int | None, force: bool) -> LibraryResult:
    result, state = _editions(archive, archive.entries, site, workers, force)
    _forget_removed(archive, state, site)
    views = _views(archive.entries, state, site)
    _write_site(archive, site, views, result)
    sources = {entry.issue_id: entry.bulletin.sources for entry in archive.entries}
    volumes, failures = write_volumes(site, views, sources, incomplete=failed_years(archive, state))
    result.changed += volumes
    result.failures += failures
    save_state(site, state)
    read = [entry.folder for entry in archive.entries if entry.issue_id in state.issues]
    result.changed += write_manifests(site, archive.root, source_files(archive.root, read))
    return result


def failed_years(archive: Archive, state: SiteState) -> set[int]:
    """Years with an issue that could not be read or built: its year from issue.toml, from the
    issue the site knew in that folder, or from a folder named like an issue."""
    years = {e.bulletin.meta.year for e in archive.entries if e.issue_id not in state.issues}
    known = {entry.get("source"): issue_id for issue_id, entry in state.issues.items()}
    for failure in archive.failures:
        issue_id = known.get(failure.where)
        parsed = parse_issue_name(issue_id or PurePosixPath(failure.where).name)
        if parsed:
            years.add(parsed[0])
    return years


def _build_year(archive: Archive, site: Path, year: int, workers: int | None) -> LibraryResult:
    entries = tuple(e for e in archive.entries if e.bulletin.meta.year == year)
    if not entries:
        raise SourceError(f"文库里没有 {year} 年的会刊（按各期 issue.toml 里的 year）。请检查年份。", archive.root)
    result, state = _editions(archive, entries, site, workers, force=False)
    save_state(site, state)
    sources = {entry.issue_id: entry.bulletin.sources for entry in entries}
    result.changed, failures = write_volumes(site, _views(entries, state, site), sources, years={year})
    result.failures += failures
    return result


def _editions(archive: Archive, entries: tuple[Entry, ...], site: Path, workers: int | None,
              force: bool) -> tuple[LibraryResult, SiteState]:
    """Build the editions of the ``entries`` that changed (all with ``force``), in parallel."""
    result = LibraryResult(site, failures=list(archive.failures))
    state = load_state(site)
    digests = {entry.issue_id: issue_digest(entry.folder, entry.bulletin) for entry in entries}
    stale = [e for e in entries if force or not state.is_current(e.issue_id, digests[e.issue_id], site)]
    stale_ids = {e.issue_id for e in stale}
    result.reused = [e.issue_id for e in entries if e.issue_id not in stale_ids]
    outcomes = build_all([Job(e.issue_id, e.folder, real_folder(site, e.issue_id)) for e in stale], workers)
    for entry, outcome in zip(stale, outcomes):
        _record(entry, outcome, digests[entry.issue_id], archive, state, result)
    return result, state


def _views(entries, state: SiteState, site: Path) -> list[IssueView]:
    return [issue_view(e.bulletin, state.issues[e.issue_id]["files"], site) for e in entries if e.issue_id in state.issues]


def _record(entry: Entry, outcome: Outcome, digest: str, archive: Archive, state: SiteState,
            result: LibraryResult) -> None:
    where = _where(entry, archive)
    result.warnings += [f"{where}：{warning}" for warning in outcome.warnings]
    result.findings += [f"{where}：{finding}" for finding in outcome.findings]
    if outcome.error:
        result.failures.append(Failure(where, outcome.error))
        state.issues.pop(entry.issue_id, None)
        with contextlib.suppress(OSError):
            (result.site / entry.issue_id).rmdir()  # made for the build, nothing written into it
        return
    files = {name: path.relative_to(result.site).as_posix() for name, path in outcome.files.items()}
    state.issues[entry.issue_id] = {"digest": digest, "files": files, "source": where}
    result.built.append(entry.issue_id)


def _forget_removed(archive: Archive, state: SiteState, site: Path) -> None:
    """An issue whose folder left the archive leaves the site too (only folders the site made)."""
    for issue_id, known in list(state.issues.items()):
        source = known.get("source")
        if source and (archive.root / source / "issue.toml").is_file():
            continue
        _remove_issue_files(site, issue_id, [*known["files"].values(), f"{issue_id}/index.html"])
        del state.issues[issue_id]


def _remove_issue_files(site: Path, issue_id: str, recorded: list[str]) -> None:
    """Remove what the library wrote for an issue, then its folder if that leaves it empty.
    The state file may be edited by hand: only files named like the library's own outputs are
    taken, never a folder's other contents."""
    folder = site / issue_id
    if folder.is_symlink() or not folder.is_dir():
        return
    for relative in recorded:
        path = site / relative
        if path.parent == folder and _ours(issue_id, path.name) and is_real_file(site, relative):
            path.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()


def _ours(issue_id: str, name: str) -> bool:
    return name in ("index.html", COVER_NAME) or name.startswith(issue_id)


def _write_site(archive: Archive, site: Path, views: list[IssueView], result: LibraryResult) -> None:
    result.changed = write_pages(site, archive.settings, views, volume_links(views))
    generated = render_feeds(archive.settings, views) | search_files(views)
    for name, text in sorted(generated.items()):
        if write_if_changed(site, name, text.encode("utf-8")):
            result.changed.append(site / name)
    pages_changed = any(path.name == "index.html" and path.parent != site for path in result.changed)
    if pages_changed or result.built or not has_index(site):
        index_site(site)
        result.indexed = True


def _where(entry: Entry, archive: Archive) -> str:
    try:
        return entry.folder.relative_to(archive.root).as_posix()
    except ValueError:
        return str(entry.folder)
