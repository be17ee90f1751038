"""What the site already holds: a content hash per issue, stored in the site folder.

An issue is rebuilt only when its digest changes: the digest covers the files a build of the
issue reads (issue.toml, its section files, cover, ICC profile, pictures, its own style and
templates), the bundled styles and templates, and the tool itself (version and source), so a
changed font size or a new release rebuilds everything, and a notes file or an ``output/``
folder left in the issue folder rebuilds nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from typeset import __version__
from typeset.model import Bulletin
from typeset.errors import OutputError
from typeset.outputs import ensure_dir, is_real_file, replace_file
from typeset.resources import styles_dir, templates_dir
from typeset.sources import load
from typeset.sources.confine import digest_file, inside

STATE_FILE = ".huikan-library.json"
MARKER = ".huikan-site"  # written first into a new site: this folder is the library's to write
MARKER_TEXT = "这个文件夹是 huikan library 生成的会刊文库网站。请勿删除本文件。\n"
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".webp", ".bmp", ".svg"})
OVERRIDES = ("style", "templates")  # the issue's own style and templates, read whole
LEFT_OUT = ("output",)  # where huikan build writes by default
FORMAT = 2
READABLE = (1, 2)  # format 1 has no file digests: its issues are rebuilt once
ISSUE_ID = re.compile(r"-?[0-9]{1,6}-[0-9]{2,6}")  # IssueMeta.issue_id: 2014-05
_PACKAGE = Path(__file__).resolve().parent.parent
_SITE_ONLY = ("library", "cli", "preview")  # the site's own templates and code, the command line, the preview: never editions


@dataclass
class SiteState:
    """What the library wrote, and nothing else is ever removed: ``issues``:
    ``{issue_id: {"digest", "source", "files": {format: path}, "sha256": {path: hex}}}``;
    ``written``: the site's other files (pages, feeds, search index, volumes) ``{path: hex}``.
    Every path is relative to the site."""

    issues: dict[str, dict] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)  # claimed by a run before it writes (``claim``)

    def is_current(self, issue_id: str, digest: str, site: Path) -> bool:
        known = self.issues.get(issue_id)
        if not known or known.get("digest") != digest:
            return False
        return self.intact(issue_id, site)

    def intact(self, issue_id: str, site: Path) -> bool:
        """The issue's editions are the bytes this library wrote (not copied over, not edited,
        not swapped in by a killed run)."""
        known = self.issues.get(issue_id, {})
        recorded = known.get("sha256", {})
        paths = list(known.get("files", {}).values())
        return bool(paths) and all(path in recorded and matches(site, path, recorded[path]) for path in paths)

    def claims(self, relative: str) -> bool:
        """``relative`` is the library's to (over)write: recorded, or claimed by a run that may
        have been killed before it recorded what it wrote."""
        if relative in self.written or any(relative in known.get("files", {}).values() or relative in known["sha256"]
                                           for known in self.issues.values()):
            return True
        return relative in self.pending

    def claim(self, site: Path, names) -> None:
        """Record ``names`` as the library's before writing them (saved at once), so a run killed
        between writing and recording leaves no file the next run would take for the user's."""
        new = sorted(set(names) - set(self.pending))
        if new:
            self.pending += new
            save_state(site, self)

    def owned(self) -> dict[str, str]:
        """Every file the library recorded as its own, with its digest."""
        mine = dict(self.written)
        for known in self.issues.values():
            mine.update(known.get("sha256", {}))
        return mine


def matches(site: Path, relative: str, digest: str) -> bool:
    """``site/relative`` is a regular file (reached through no link) holding bytes of ``digest``."""
    return is_real_file(site, relative) and file_digest(site / relative) == digest


def file_digest(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def digests(site: Path, paths) -> dict[str, str]:
    return {path: file_digest(site / path) for path in paths if is_real_file(site, path)}


def load_state(site: Path) -> SiteState:
    if not is_real_file(site, STATE_FILE):
        return SiteState()
    try:
        data = json.loads((site / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return SiteState()
    if not isinstance(data, dict) or data.get("format") not in READABLE or not isinstance(data.get("issues"), dict):
        return SiteState()
    written = data.get("written") if isinstance(data.get("written"), dict) else {}
    pending = data.get("pending") if isinstance(data.get("pending"), list) else []
    return SiteState({key: value for key, value in data["issues"].items() if _sound(key, value)},
                     {path: hex for path, hex in written.items() if _inside_site(path) and isinstance(hex, str)},
                     [path for path in pending if _inside_site(path)])


def _sound(issue_id: str, known) -> bool:
    """A hand-edited state file must not lead outside the site: odd entries are forgotten (and rebuilt)."""
    if not ISSUE_ID.fullmatch(issue_id) or not isinstance(known, dict) or not isinstance(known.get("files"), dict):
        return False
    if not isinstance(known.setdefault("sha256", {}), dict):
        return False
    paths = [*known["files"].values(), *known["sha256"]]
    return all(isinstance(path, str) and path.startswith(f"{issue_id}/") and _inside_site(path) for path in paths)


def _inside_site(path) -> bool:
    return isinstance(path, str) and bool(path) and not path.startswith("/") and ".." not in path.split("/") \
        and "\0" not in path


def save_state(site: Path, state: SiteState) -> None:
    """Atomically, and last of a run: what it names is already in place."""
    data = {"format": FORMAT, "issues": state.issues, "written": state.written}
    if state.pending:
        data["pending"] = sorted(state.pending)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    replace_file(site, STATE_FILE, (text + "\n").encode("utf-8"))


def owns(site: Path) -> bool:
    """The site folder is one the library made: its marker, or (made by an earlier version)
    its state file, is a regular file there."""
    if is_real_file(site, MARKER):
        return True
    if not is_real_file(site, STATE_FILE):
        return False
    try:
        return json.loads((site / STATE_FILE).read_text(encoding="utf-8")).get("format") in READABLE
    except (OSError, ValueError, AttributeError):
        return False


def claim_site(site: Path, check_only: bool = False) -> None:
    """Refuse (``OutputError``, nothing touched) a folder that holds files the library did not
    make; mark a new or empty one as the library's (unless ``check_only``)."""
    if site.exists() and not site.is_dir():
        raise OutputError("网站文件夹的位置上是一个文件。请用 --out 另选一个空文件夹。", site)
    if site.is_dir() and not owns(site) and any(site.iterdir()):
        raise OutputError("网站文件夹里已有别的文件，不是 huikan library 生成的网站：为免覆盖，什么也没有改动。"
                          "请用 --out 另选一个空文件夹（或以前生成网站的文件夹）。", site)
    if not check_only:
        ensure_dir(site)
        if not is_real_file(site, MARKER):
            replace_file(site, MARKER, MARKER_TEXT.encode("utf-8"))


def issue_digest(folder: Path, bulletin: Bulletin | None = None) -> str:
    """The files the build reads from the issue folder (names and bytes) and the tool's digest."""
    digest = hashlib.sha256(tool_digest().encode())
    for name, path in read_files(folder, bulletin or load(folder).bulletin):
        digest.update(f"{name}\0{path.stat().st_size}\0".encode())
        digest_file(digest, path)
    return digest.hexdigest()


def read_files(folder: Path, bulletin: Bulletin) -> list[tuple[str, Path]]:
    """(name relative to the folder, path) of what a build of the issue reads: issue.toml and the
    section files, the cover and ICC profile, the pictures (those the text names and any image
    file), the issue's own style/ and templates/; never ``output/``, hidden files or backups."""
    meta = bulletin.meta
    named = [Path(source.path) for source in bulletin.sources]
    named += [folder / name for name in (meta.cover, meta.icc_profile) if name]
    named += [folder / picture.source for picture in _pictures(bulletin) if "#" not in picture.source]
    found = [path for path in _issue_files(folder)
             if path.suffix.lower() in IMAGE_SUFFIXES or path.relative_to(folder).parts[0] in OVERRIDES]
    files = {os.path.relpath(path, folder): path for path in named + found if inside(path, folder) and path.is_file()}
    return [(Path(name).as_posix(), files[name]) for name in sorted(files)]


def _pictures(bulletin: Bulletin):
    for block in bulletin.blocks():
        yield from getattr(block, "pictures", ())


def _issue_files(folder: Path):
    """Files under the issue folder, leaving out ``output/`` (huikan build's default), hidden
    names, symlinked folders and editors' backups."""
    for parent, dirs, files in os.walk(folder):
        top = Path(parent) == folder
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (top and d in LEFT_OUT)
                         and not os.path.islink(os.path.join(parent, d)))
        yield from (Path(parent, name) for name in sorted(files) if not _is_backup(name))


def _is_backup(name: str) -> bool:
    return name.startswith((".", "~$")) or name.endswith(("~", ".bak", ".swp", ".tmp"))


@cache
def tool_digest() -> str:
    """Version, Python package sources, bundled styles and templates (site-only parts excluded)."""
    digest = hashlib.sha256(f"typeset {__version__}\n".encode())
    for name, root in (("code", _PACKAGE), ("styles", styles_dir()), ("templates", templates_dir())):
        digest.update(f"[{name}]\n".encode())
        _hash_tree(digest, root, skip=_SITE_ONLY + ("__pycache__", "_data"))
    digest.update(Path(__file__).with_name("workers.py").read_bytes())  # it draws the covers
    return digest.hexdigest()


def _hash_tree(digest, root: Path, skip: tuple[str, ...]) -> None:
    """Regular files under ``root`` in a stable order; symlinks and hidden names are left out."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith(".")
                         and not os.path.islink(os.path.join(folder, d)))
        for name in sorted(files):
            path = Path(folder, name)
            if name.startswith(".") or name in skip or path.is_symlink() or not path.is_file() or path.suffix == ".pyc":
                continue
            digest.update(f"{path.relative_to(root).as_posix()}\0{path.stat().st_size}\0".encode())
            digest_file(digest, path)
