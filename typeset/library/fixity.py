"""Fixity: SHA-256 manifests that prove, years later, that no file was lost or altered.

Two manifests in the site's root, in the line format of GNU ``sha256sum`` (``HEX  path``; a
path with a backslash, CR or LF escaped as ``sha256sum`` does, the line starting with ``\\``),
which is BagIt's (RFC 8493 §2.1.3) for every name without ``%``, CR or LF (BagIt would
percent-encode those; ``sha256sum -c`` would then not find a file with ``%`` in its name):

- ``manifest-sha256.txt``: every file the library produced, relative to the site
  (``sha256sum -c manifest-sha256.txt`` in the site folder checks it without this tool);
- ``sources-sha256.txt``: every file of every issue folder it read, relative to the archive.

Why not a BagIt bag: a bag keeps its payload under ``data/``, which would move every page and
link of the site (it must stay servable as it is), and ``bag-info.txt`` carries the bagging date,
so an unchanged archive would give a changed bag. The manifests here are the bag's manifests
without the move; ``bagit.py`` can still bag a copy of the site for a repository that wants one.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from typeset.library.pages import write_if_changed
from typeset.outputs import is_real_file

MANIFEST = "manifest-sha256.txt"
SOURCES_MANIFEST = "sources-sha256.txt"
MANIFESTS = (MANIFEST, SOURCES_MANIFEST)


@dataclass(frozen=True)
class Differences:
    """What a folder holds compared with its manifest, as paths relative to the folder."""

    missing: tuple[str, ...]
    changed: tuple[str, ...]
    unexpected: tuple[str, ...]
    checked: int

    @property
    def clean(self) -> bool:
        return not (self.missing or self.changed or self.unexpected)


def file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def tree_files(root: Path, skip: tuple[str, ...] = ()) -> list[str]:
    """Every regular file under ``root`` (symlinks neither followed nor listed), sorted."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(folder, d)))
        for name in files:
            path = Path(folder, name)
            relative = path.relative_to(root).as_posix()
            if relative not in skip and path.is_file() and not path.is_symlink():
                found.append(relative)
    return sorted(found)


def tree_links(root: Path) -> list[str]:
    """Symbolic links under ``root``: the library never makes one, so each is unexpected."""
    found = []
    for folder, dirs, files in os.walk(root):
        found += [Path(folder, name).relative_to(root).as_posix() for name in dirs + files
                  if os.path.islink(os.path.join(folder, name))]
    return sorted(found)


def manifest_text(root: Path, paths: list[str]) -> str:
    return "".join(manifest_line(file_sha256(root / path), path) for path in sorted(paths))


ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r"}


def manifest_line(digest: str, path: str) -> str:
    """``HEX  path``; a path with a backslash, CR or LF as GNU ``sha256sum`` writes it: the line
    starts with ``\\`` and those three are escaped (a ``%`` stays as it is)."""
    if not any(ch in path for ch in ESCAPES):
        return f"{digest}  {path}\n"
    return f"\\{digest}  {''.join(ESCAPES.get(ch, ch) for ch in path)}\n"


def unescape(name: str) -> str:
    """The path of an escaped (``\\``-prefixed) line; ``ValueError`` for an unknown escape."""
    out, chars = [], iter(name)
    for ch in chars:
        if ch == "\\":
            ch = {"\\": "\\", "n": "\n", "r": "\r"}.get(next(chars, ""), None)
            if ch is None:
                raise ValueError(0)
        out.append(ch)
    return "".join(out)


def write_manifests(site: Path, archive: Path, sources: list[str], listed: list[str] | None = None) -> list[Path]:
    """Both manifests (``sources``: paths relative to ``archive``; ``listed``: the site's files
    to list, by default every file in it); returns those that changed."""
    written = []
    own = [name for name in listed if name != MANIFEST] if listed is not None else None
    # The sources' list first: the site's list covers it too (a change to it is a change).
    for name, text in ((SOURCES_MANIFEST, lambda: manifest_text(archive, sources)),
                       (MANIFEST, lambda: manifest_text(site, own if own is not None else tree_files(site, skip=(MANIFEST,))))):
        if write_if_changed(site, name, text().encode("utf-8")):
            written.append(site / name)
    return written


MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_LINE = 4096  # a digest, two spaces and a path (Linux allows 4,095 bytes)


def read_manifest(path: Path) -> dict[str, str]:
    """``{relative path: hex digest}``; a malformed line raises ``ValueError`` naming its number."""
    entries = {}
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise ValueError(0)
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line:
            continue
        escaped = line.startswith("\\")
        digest, sep, name = line.removeprefix("\\").partition("  ")
        try:
            name = unescape(name) if escaped else name
        except ValueError:
            raise ValueError(number) from None
        if not sep or len(digest) != 64 or not name or len(line) > MAX_LINE or _outside(name):
            raise ValueError(number)
        if name in entries and entries[name] != digest.lower():
            raise ValueError(number)  # one file listed twice with two digests
        entries[name] = digest.lower()
    return entries


def _outside(name: str) -> bool:
    return name.startswith("/") or ".." in name.split("/")


def compare(root: Path, manifest: dict[str, str], present: list[str] | None) -> Differences:
    """Every listed file against its digest; ``present``: the files found, to name unexpected
    ones (None when only the listed files count, as in an issue folder with its own extras)."""
    missing, changed = [], []
    for name, digest in sorted(manifest.items()):
        try:
            real = is_real_file(root, name)  # never through a link: a folder linked elsewhere is not ours
            same = real and file_sha256(root / name) == digest
        except OSError:  # a name too long, a folder we may not enter…
            real = same = False
        if not real:
            missing.append(name)
        elif not same:
            changed.append(name)
    unexpected = sorted(set(present) - set(manifest)) if present is not None else []
    return Differences(tuple(missing), tuple(changed), tuple(unexpected), len(manifest))


def source_files(archive: Path, folders: list[Path]) -> list[str]:
    """The files of the given issue folders (hidden names left out, as the build leaves them
    out) and the archive's ``library.toml``, relative to the archive."""
    found = [name for name in ("library.toml",) if (archive / name).is_file()]
    for folder in folders:
        prefix = folder.relative_to(archive).as_posix()
        found += [f"{prefix}/{name}" for name in tree_files(folder) if not _hidden(name)]
    return sorted(found)


def source_folders(archive: Path, manifest: dict[str, str]) -> list[Path]:
    """The issue folders a sources manifest covers (those whose issue.toml it lists)."""
    return sorted(archive / name.rpartition("/")[0] for name in manifest if name.endswith("/issue.toml"))


def _hidden(name: str) -> bool:
    return any(part.startswith(".") for part in name.split("/"))
