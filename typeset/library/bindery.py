"""Write stage of the annual volumes: ``SITE/合订本/刊名YYYY年合订本.pdf`` (and ``-附原稿.pdf``).

A volume is bound again only when what it is made of changed: its key covers the tool, the
issues' print PDFs and their sources, and is kept in a small state file beside the site's own.
A volume whose year lost all its issues leaves the site.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from typeset.errors import TypesetError
from typeset.library.archive import Failure
from typeset.library.catalog import IssueView
from typeset.library.pages import write_if_changed
from typeset.library.state import tool_digest
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
                  years: set[int] | None = None, incomplete: set[int] = frozenset()) -> tuple[list[Path], list[Failure]]:
    """Bind every year (or only ``years``) whose key changed; returns the files written and the
    years that could not be bound (the others go on). A year with an issue that failed this run
    (``incomplete``) keeps the volume it has, if any: a volume silently missing an issue would
    replace a complete one (a year never bound is bound with the issues that did build)."""
    state = _load(site)
    changed: list[Path] = []
    failures: list[Failure] = []
    wanted = {year: chosen for year, chosen in issues_by_year(views).items() if years is None or year in years}
    for year, chosen in wanted.items():
        try:
            volume = bind_year(site, year, chosen)
            if year in incomplete and state.get(str(year)) not in (None, volume_key(volume, sources)):
                failures.append(Failure(f"{year}年合订本", "这一年有一期没有排成，合订本保留上一次的样子。改好那一期后再运行一次即可。"))
                continue
            changed += _bind_if_changed(site, volume, sources, state)
        except TypesetError as error:
            failures.append(Failure(f"{year}年合订本", str(error)))
    if years is None:
        changed += _forget(site, state, {str(year) for year in {*wanted, *incomplete}})
    _save(site, state)
    return changed, failures


def _bind_if_changed(site: Path, volume: Volume, sources: dict[str, tuple[SourceFile, ...]],
                     state: dict[str, str]) -> list[Path]:
    key = volume_key(volume, sources)
    if state.get(str(volume.year)) == key and all((site / p).is_file() for p in volume_paths(volume)):
        return []
    written = write_volume(site, volume, sources)
    state[str(volume.year)] = key
    return written


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


def _forget(site: Path, state: dict[str, str], kept: set[str]) -> list[Path]:
    """Volumes of years no longer in the archive: their files go, as the issues' folders do."""
    gone = []
    for year in sorted(set(state) - kept):
        del state[year]
        for path in sorted((site / FOLDER).glob(f"*{year}年合订本*.pdf")):
            if not is_real_file(site, path.relative_to(site).as_posix()):
                continue  # never through a link planted in the site
            path.unlink()
            gone.append(path)
    return gone


def _load(site: Path) -> dict[str, str]:
    try:
        data = json.loads((site / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and k.lstrip("-").isdigit() and isinstance(v, str)} \
        if isinstance(data, dict) else {}


def _save(site: Path, state: dict[str, str]) -> None:
    text = json.dumps(state, indent=1, sort_keys=True) + "\n"
    if (site / STATE_FILE).is_file() and (site / STATE_FILE).read_text(encoding="utf-8") == text:
        return
    replace_file(site, STATE_FILE, text.encode("utf-8"))
