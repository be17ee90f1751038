"""Write stage of the annual volumes: ``SITE/合订本/刊名YYYY年合订本.pdf`` (and ``-附原稿.pdf``).

A volume is bound again only when what it is made of changed, or its files are not the bytes
the library wrote: its key covers the tool, the issues' print PDFs and their sources, and is
kept with the files' digests in a small state file beside the site's own. A volume whose year
lost all its issues leaves the site: the files recorded for it, never others named like it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from typeset.errors import OutputError, TypesetError
from typeset.library.archive import Failure
from typeset.library.catalog import IssueView
from typeset.library.pages import write_if_changed
from typeset.library.state import SiteState, digests, matches, tool_digest
from typeset.library.volume import (FOLDER, SOURCES_SUFFIX, Volume, bind, bind_year, issues_by_year, volume_file_name,
                                    volume_title)
from typeset.model import SourceFile
from typeset.outputs import is_real_file, replace_file
from typeset.resources import templates_dir

STATE_FILE = ".huikan-volumes.json"
OWN_CODE = (Path(__file__).with_name("volume.py"), Path(__file__),
            templates_dir() / "library" / "volume.html.j2")


def volume_paths(volume: Volume) -> tuple[str, str]:
    """The two files of a volume, relative to the site."""
    stem = volume.file_name.removesuffix(".pdf")
    return f"{FOLDER}/{volume.file_name}", f"{FOLDER}/{stem}{SOURCES_SUFFIX}.pdf"


def volume_links(views: list[IssueView]) -> dict[int, str]:
    """Year → the volume's path, for the site's front page (known before anything is bound)."""
    return {year: f"{FOLDER}/{volume_file_name(volume_title(chosen), year)}" for year, chosen in issues_by_year(views).items()}


def write_volumes(site: Path, views: list[IssueView], sources: dict[str, tuple[SourceFile, ...]],
                  years: set[int] | None = None, incomplete: set[int] = frozenset(),
                  claims: SiteState | None = None) -> tuple[list[Path], list[Failure]]:
    """Bind every year (or only ``years``) whose key changed; returns the files written and the
    years that could not be bound (the others go on). A year with an issue that failed this run
    (``incomplete``) keeps the volume it has, if any: a volume silently missing an issue would
    replace a complete one (a year never bound is bound with the issues that did build). A file
    at a volume's name that the library neither recorded nor ``claims`` is the user's: that
    year is not bound over it."""
    state = _load(site)
    changed: list[Path] = []
    failures: list[Failure] = []
    wanted = {year: chosen for year, chosen in issues_by_year(views).items() if years is None or year in years}
    for year, chosen in wanted.items():
        try:
            volume = bind_year(site, year, chosen)
            known = state.get(str(year))
            if year in incomplete and known and known["key"] != volume_key(volume, sources):
                failures.append(Failure(f"{year}年合订本", "这一年有一期没有排成，合订本保留上一次的样子。改好那一期后再运行一次即可。"))
                continue
            changed += _bind_if_changed(site, volume, sources, state, claims)
        except TypesetError as error:
            failures.append(Failure(f"{year}年合订本", str(error)))
    if years is None:
        changed += _forget(site, state, {str(year) for year in {*wanted, *incomplete}})
    _save(site, state)
    return changed, failures


def _bind_if_changed(site: Path, volume: Volume, sources: dict[str, tuple[SourceFile, ...]],
                     state: dict[str, dict], claims: SiteState | None = None) -> list[Path]:
    key, paths = volume_key(volume, sources), volume_paths(volume)
    known = state.get(str(volume.year), {"key": None, "files": {}})
    if known["key"] == key and set(known["files"]) == set(paths) and \
            all(matches(site, path, digest) for path, digest in known["files"].items()):
        return []
    if claims is not None:
        _refuse_foreign(site, paths, state, claims)
        claims.claim(site, paths)
    written = write_volume(site, volume, sources)
    _remove(site, set(known["files"]) - set(paths))  # the 刊名 changed: the old names go
    state[str(volume.year)] = {"key": key, "files": digests(site, paths)}
    return written


def _refuse_foreign(site: Path, paths: tuple[str, str], state: dict[str, dict], claims: SiteState) -> None:
    recorded = {path for entry in state.values() for path in entry["files"]}
    foreign = [path for path in paths if is_real_file(site, path) and path not in recorded and not claims.claims(path)]
    if foreign:
        raise OutputError(f"网站里已有同名的文件，不是 huikan library 写的：没有覆盖它（{'、'.join(foreign)}），"
                          "这一年的合订本没有装订。请把它移走或改名，再运行一次。", site / foreign[0])


def write_volume(site: Path, volume: Volume, sources: dict[str, tuple[SourceFile, ...]]) -> list[Path]:
    mine = {issue.view.issue_id: list(sources.get(issue.view.issue_id, ())) for issue in volume.issues}
    bound = bind(volume, mine)
    plain, attached = volume_paths(volume)
    return [site / name for name, data in ((plain, bound.pdf), (attached, bound.with_sources))
            if write_if_changed(site, name, data)]


def volume_key(volume: Volume, sources: dict[str, tuple[SourceFile, ...]]) -> str:
    digest = hashlib.sha256(tool_digest().encode())
    for own in OWN_CODE:  # the library's own code is not part of the tool digest (pages only)
        digest.update(own.read_bytes())
    for issue in volume.issues:
        digest.update(f"{issue.view.issue_id}\0".encode() + hashlib.sha256(issue.pdf).digest())
        for source in sources.get(issue.view.issue_id, ()):
            digest.update(f"{source.name}\0".encode() + hashlib.sha256(source.raw or source.text.encode()).digest())
    return digest.hexdigest()


def _forget(site: Path, state: dict[str, dict], kept: set[str]) -> list[Path]:
    """Volumes of years no longer in the archive: the files recorded for them go, as the
    issues' folders do; a file the library did not record (a scanned 合订本) stays."""
    gone = []
    for year in sorted(set(state) - kept):
        gone += _remove(site, set(state.pop(year)["files"]))
    return gone


def _remove(site: Path, paths: set[str]) -> list[Path]:
    gone = []
    for relative in sorted(paths):
        if is_real_file(site, relative):  # never through a link planted in the site
            (site / relative).unlink()
            gone.append(site / relative)
    return gone


def volume_files(site: Path) -> dict[str, str]:
    """Every volume file the library recorded, with its digest."""
    return {path: digest for known in _load(site).values() for path, digest in known["files"].items()}


def _load(site: Path) -> dict[str, dict]:
    """``{year: {"key": …, "files": {path: sha256}}}``; a year of the earlier format (a key
    alone) has no recorded files, so it is bound again and removes nothing."""
    try:
        data = json.loads((site / STATE_FILE).read_text(encoding="utf-8")) if is_real_file(site, STATE_FILE) else {}
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {year: _entry(value) for year, value in data.items()
            if isinstance(year, str) and year.lstrip("-").isdigit() and _entry(value)}


def _entry(value) -> dict | None:
    if isinstance(value, str):
        return {"key": value, "files": {}}
    if not isinstance(value, dict) or not isinstance(value.get("key"), str) or not isinstance(value.get("files"), dict):
        return None
    files = {path: digest for path, digest in value["files"].items()
             if isinstance(path, str) and path.startswith(f"{FOLDER}/") and ".." not in path.split("/")
             and "/" not in path[len(FOLDER) + 1:] and isinstance(digest, str)}
    return {"key": value["key"], "files": files}


def _save(site: Path, state: dict[str, dict]) -> None:
    text = json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if is_real_file(site, STATE_FILE) and (site / STATE_FILE).read_text(encoding="utf-8") == text:
        return
    replace_file(site, STATE_FILE, text.encode("utf-8"))
