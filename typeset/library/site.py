"""``build_library()``: an archive of issue folders → a static members' site.

read (the archive, the site's state) → build (changed issues only, in parallel) → render (pages,
feeds) → write (only files whose bytes changed) → index (Pagefind, when a page changed) → bind
(the annual volumes of changed years) → fixity (the SHA-256 manifests of the site and sources).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from typeset.build import WarningCollector
from typeset.errors import EnvironmentProblem, OutputError, SourceError, TypesetError
from typeset.library.archive import Archive, Entry, Failure, read_archive
from typeset.library.bindery import STATE_FILE as VOLUME_STATE, volume_files, volume_links, write_volumes
from typeset.library.catalog import IssueView, issue_view
from typeset.library.feeds import render_feeds
from typeset.library.fixity import SOURCES_MANIFEST, source_files, write_manifests
from typeset.library.pages import holds, render_issue, render_pages, write_if_changed
from typeset.library.search import BUNDLE, SHARDS, index_site, search_files
from typeset.library.state import (MARKER, STATE_FILE, SiteState, claim_site, digests, issue_digest, load_state,
                                   matches, save_state)
from typeset.library.volume import FOLDER as VOLUMES
from typeset.library.workers import COVER_NAME, FULL_COVER, Job, Outcome, build_all
from typeset.outputs import is_real_file, real_folder, remove_stale
from typeset.scaffold import parse_issue_name
from typeset.writers import EDITION_SUFFIXES

LOGGER = logging.getLogger("typeset")
BOOKKEEPING = (MARKER, STATE_FILE, VOLUME_STATE)  # the library's own files, listed in the manifest
TEMPORARY = re.compile(r"\..+\.[0-9a-f]{12}\.tmp")  # replace_file's temporary name
EDITION_TYPES = (".pdf", ".epub", ".html")  # with the cover, what a build of an issue writes into its folder
FOREIGN = "网站里已有同名的文件，不是 huikan library 写的：没有覆盖它{what}。请把它移走或改名，再运行一次。"


@dataclass
class LibraryResult:
    site: Path
    built: list[str] = field(default_factory=list)  # issue ids whose editions were (re)built
    reused: list[str] = field(default_factory=list)  # issue ids left as they were
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # the check's findings, "警告：folder：file:line …"
    changed: list[Path] = field(default_factory=list)  # site files written this run
    indexed: bool = False  # whether the search index was rebuilt


def build_library(archive: Path, site: Path, workers: int | None = None, force: bool = False) -> LibraryResult:
    """Build every changed issue of ``archive`` and write the site to ``site``.

    A failing issue is listed in ``result.failures`` and left out of the site; the others go on.
    The site folder must be new, empty or one the library made (``claim_site``); the library
    removes only files its state records as its own."""
    archive, site = Path(archive), Path(site)
    _check_places(archive, site)
    claim_site(site, check_only=True)
    return _collecting(lambda: _build(_read(archive), site, workers, force))


def build_volume(archive: Path, site: Path, year: int, workers: int | None = None) -> LibraryResult:
    """Only the annual volume of ``year``: that year's issues built into ``site`` (or reused from
    it, as the library would), then bound into ``site/合订本/``. The pages and manifests are left
    to ``build_library``."""
    archive, site = Path(archive), Path(site)
    _check_places(archive, site)
    claim_site(site, check_only=True)
    return _collecting(lambda: _build_year(_read(archive), site, year, workers))


def _read(root: Path) -> Archive:
    archive = read_archive(root)
    if not archive.entries and not archive.failures:
        raise SourceError("文库文件夹里没有找到任何一期会刊（含 issue.toml 的文件夹）。请检查路径，或先放入一期。", root)
    return archive


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
    claim_site(site)
    state = load_state(site)
    clear_leftovers(site, state)
    result = _editions(archive, archive.entries, site, workers, force, state)
    with _naming_failures(result):
        _publish(archive, site, state, result)
    return result


def _publish(archive: Archive, site: Path, state: SiteState, result: LibraryResult) -> None:
    """Pages, feeds, search index and volumes; then the state (last, atomically), then the
    manifests, which list only what the state records."""
    _forget_removed(archive, state, site)
    views = _views(archive.entries, state, site)
    produced = _write_site(archive, site, views, result, state)
    sources = {entry.issue_id: entry.bulletin.sources for entry in archive.entries}
    volumes, failures = write_volumes(site, views, sources, incomplete=failed_years(archive, state), claims=state)
    result.changed += volumes
    result.failures += failures
    _remove_unproduced(site, state.written, produced)
    state.written = digests(site, sorted(produced))
    state.pending = []
    save_state(site, state)
    read = [entry.folder for entry in archive.entries if entry.issue_id in state.issues]
    bookkeeping = {name for name in BOOKKEEPING if is_real_file(site, name)} | {SOURCES_MANIFEST}  # written first
    listed = sorted(set(state.owned()) | set(volume_files(site)) | bookkeeping)
    result.changed += write_manifests(site, archive.root, source_files(archive.root, read), listed)


@contextlib.contextmanager
def _naming_failures(result: LibraryResult):
    """A failure writing the site (a full disk…) still names the issues that failed before it."""
    try:
        yield
    except TypesetError as error:
        if result.failures:
            names = "、".join(failure.where for failure in result.failures)
            error.message += f"（此外，这些期没有排成：{names}）"
        raise


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
    claim_site(site)
    state = load_state(site)
    clear_leftovers(site, state)
    result = _editions(archive, entries, site, workers, False, state)
    with _naming_failures(result):
        sources = {entry.issue_id: entry.bulletin.sources for entry in entries}
        result.changed, failures = write_volumes(site, _views(entries, state, site), sources, years={year}, claims=state)
        result.failures += failures
        state.pending = []  # what it claimed is recorded now: the issues here, the volumes in theirs
        save_state(site, state)
    return result


def _editions(archive: Archive, entries: tuple[Entry, ...], site: Path, workers: int | None,
              force: bool, state: SiteState) -> LibraryResult:
    """Build the editions of the ``entries`` that changed (all with ``force``), in parallel. An
    issue whose editions in the site are not the bytes the library wrote is built again."""
    result = LibraryResult(site, failures=list(archive.failures))
    digests_ = {entry.issue_id: issue_digest(entry.folder, entry.bulletin) for entry in entries}
    stale = [e for e in entries if force or not state.is_current(e.issue_id, digests_[e.issue_id], site)]
    for entry in stale:
        if not force and state.issues.get(entry.issue_id, {}).get("digest") == digests_[entry.issue_id]:
            LOGGER.warning("%s：网站里的版本与上次生成的不一致（被改动、替换或上次运行被中断），已重新排版。",
                           _where(entry, archive))
    stale_ids = {e.issue_id for e in stale}
    result.reused = [e.issue_id for e in entries if e.issue_id not in stale_ids]
    stale = [e for e in stale if not _foreign_editions(site, e, state, _where(e, archive), result)]
    state.claim(site, [name for e in stale for name in _edition_names(e.issue_id)])  # a killed run's stay the library's
    outcomes = build_all([Job(e.issue_id, e.folder, real_folder(site, e.issue_id)) for e in stale], workers)
    for entry, outcome in zip(stale, outcomes):
        _record(entry, outcome, digests_[entry.issue_id], archive, state, result)
    return result


def _foreign_editions(site: Path, entry: Entry, state: SiteState, where: str, result: LibraryResult) -> bool:
    """The user's own files where the issue's editions would go (named like them, not recorded
    by the library): the issue is not built and they stay as they are."""
    folder = site / entry.issue_id
    if folder.is_symlink() or not folder.is_dir():
        return False
    names = sorted(name for name in os.listdir(folder) if _edition_name(entry.issue_id, name)
                   and is_real_file(site, f"{entry.issue_id}/{name}") and not state.claims(f"{entry.issue_id}/{name}"))
    if names:
        listed = "、".join(f"{entry.issue_id}/{name}" for name in names)
        result.failures.append(Failure(where, FOREIGN.format(what=f"（{listed}），本期没有排版")))
    return bool(names)


def _edition_name(issue_id: str, name: str) -> bool:
    return name == COVER_NAME or (name.startswith(issue_id) and name.endswith(EDITION_TYPES))


def _edition_names(issue_id: str) -> list[str]:
    return [f"{issue_id}/{issue_id}{suffix}" for suffix in EDITION_SUFFIXES] + [f"{issue_id}/{COVER_NAME}"]


def _views(entries, state: SiteState, site: Path) -> list[IssueView]:
    return [issue_view(e.bulletin, state.issues[e.issue_id]["files"], site) for e in entries if e.issue_id in state.issues]


def _record(entry: Entry, outcome: Outcome, digest: str, archive: Archive, state: SiteState,
            result: LibraryResult) -> None:
    where = _where(entry, archive)
    result.warnings += [f"{where}：{warning}" for warning in outcome.warnings]
    result.findings += [_placed(finding, where) for finding in outcome.findings]
    if outcome.error:
        result.failures.append(Failure(where, outcome.error))
        known = state.issues.pop(entry.issue_id, None)  # it leaves the site, and what was made for it
        _remove_issue_files(result.site, entry.issue_id, list(known["files"].values()) if known else [])
        return
    files = {name: path.relative_to(result.site).as_posix() for name, path in outcome.files.items()}
    state.issues[entry.issue_id] = {"digest": digest, "files": files, "source": where,
                                    "sha256": digests(result.site, files.values())}
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


def _remove_unproduced(site: Path, recorded: dict[str, str], produced: set[str]) -> None:
    """Files an earlier run wrote that this one did not (a year's feed, an old search index):
    removed by their recorded names, never by a pattern; a folder left empty goes too."""
    for relative in sorted(set(recorded) - produced):
        if is_real_file(site, relative):
            (site / relative).unlink()
            if (site / relative).parent != site:
                with contextlib.suppress(OSError):
                    (site / relative).parent.rmdir()


def _write_site(archive: Archive, site: Path, views: list[IssueView], result: LibraryResult,
                state: SiteState) -> set[str]:
    """Pages, feeds and the search index; returns every file of them (relative to the site)."""
    issue_pages = _issue_pages(archive, views, result)
    views = [view for view in views if view.page in issue_pages]
    pages = render_pages(archive.settings, views, volume_links(views), issue_pages)
    pages |= render_feeds(archive.settings, views)
    pages |= search_files(views)
    _leave_foreign(site, pages, state, result)
    for name, data in sorted(pages.items()):
        if write_if_changed(site, name, data.encode("utf-8") if isinstance(data, str) else data):
            result.changed.append(site / name)
    bundle = {path: digest for path, digest in state.written.items() if path.startswith(f"{BUNDLE}/")}
    pages_changed = any(path.name == "index.html" and path.parent != site for path in result.changed)
    intact = bool(bundle) and all(matches(site, path, digest) for path, digest in bundle.items())
    if not views:
        return set(pages)  # nothing to search: no index (Pagefind refuses an empty site)
    if pages_changed or result.built or not intact:
        try:
            bundle = dict.fromkeys(index_site(site, bundle, keep=lambda names: _keep_foreign(site, names, state, result)), "")
            result.indexed = True
        except EnvironmentProblem as problem:
            result.failures.append(Failure("全文检索", problem.message))
    return set(pages) | set(bundle)


def _leave_foreign(site: Path, pages: dict[str, str | bytes], state: SiteState, result: LibraryResult) -> None:
    """Leave out of ``pages`` each one whose place holds a file the library did not write (nor
    claim) with other bytes; claim the rest before they are written."""
    for name, data in sorted(pages.items()):
        data = data.encode("utf-8") if isinstance(data, str) else data
        if is_real_file(site, name) and not state.claims(name) and not holds(site, name, data):
            result.failures.append(Failure(name, FOREIGN.format(what="")))
            del pages[name]
    state.claim(site, [name for name in pages if not state.claims(name)])


def _keep_foreign(site: Path, names: list[str], state: SiteState, result: LibraryResult) -> list[str]:
    """The search index's files whose place holds the user's own file: reported and kept; the
    others are claimed before they are written."""
    foreign = [name for name in names if is_real_file(site, name) and not state.claims(name)]
    result.failures += [Failure(name, FOREIGN.format(what="")) for name in foreign]
    state.claim(site, [name for name in names if name not in foreign])
    return foreign


def _issue_pages(archive: Archive, views: list[IssueView], result: LibraryResult) -> dict[str, str | bytes]:
    """The issues' pages and their pictures; one that fails to render is reported and left off
    the site's pages and feeds (its editions stay), the others go on."""
    pages: dict[str, str | bytes] = {}
    for view in views:
        try:
            pictures: dict[str, bytes] = {}
            pages[view.page] = render_issue(archive.settings, view, pictures)
            pages |= pictures
        except Exception as error:  # noqa: BLE001 - one issue's page must not stop the site
            reason = str(error) if isinstance(error, TypesetError) else f"内部错误（{type(error).__name__}）"
            result.failures.append(Failure(view.issue_id, f"网页没有生成：{reason}"))
    return pages


def clear_leftovers(site: Path, state: SiteState) -> None:
    """What a killed run left: staging folders of the issues (finished if complete, else
    removed), the cover's full-size picture, and the temporary files of atomic writes."""
    for issue_id in state.issues:
        folder = site / issue_id
        if folder.is_dir() and not folder.is_symlink():
            remove_stale(folder, issue_id)
            if is_real_file(site, f"{issue_id}/{FULL_COVER}"):
                (folder / FULL_COVER).unlink()
    for folder in (site, site / "opds", site / BUNDLE, site / SHARDS, site / VOLUMES, *(site / i for i in state.issues)):
        if folder.is_dir() and not folder.is_symlink():
            for entry in folder.iterdir():
                if TEMPORARY.fullmatch(entry.name) and entry.is_file() and not entry.is_symlink():
                    entry.unlink()


def _placed(finding: str, where: str) -> str:
    """``警告：file:line …`` → ``警告：folder：file:line …``: the label stays first, as everywhere."""
    label, _, rest = finding.partition("：")
    return f"{label}：{where}：{rest}"


def _where(entry: Entry, archive: Archive) -> str:
    try:
        return entry.folder.relative_to(archive.root).as_posix()
    except ValueError:
        return str(entry.folder)
