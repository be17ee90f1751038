"""Safe writes. A file is written to a temporary sibling and renamed into place; a build's
editions are written into a staging folder beside them and swapped in together
(``EditionSet``), so a failed, interrupted or killed build never leaves a mixed set.

The edition set of an issue never mixes old and new: an edition of the same issue that this
build did not write (the press PDF of an earlier ``--press`` build, the EPUB before ``-f pdf``)
is removed in the same swap, unless it was made from exactly what this build reads (the same
recipe, ``typeset.recipe``): then it is kept, and the build says so. A hidden record
``.ISSUE.editions`` holds each edition's recipe. A hidden marker ``.ISSUE.source`` names the
source the set was made from, so a copied issue folder does not silently replace another
folder's editions."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import signal
import stat
import tempfile
from pathlib import Path, PurePosixPath
from typing import Iterable

from typeset.errors import OutputError, os_reason

COMPLETE = ".complete"  # in a staging folder: every edition is written, the swap may proceed
SOURCE_MARKER = ".{issue_id}.source"  # in the output folder: the source the editions were made from
RECIPES = ".{issue_id}.editions"  # in the output folder: {edition file name: recipe}


def ensure_dir(folder: Path) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹（{os_reason(exc)}）。请换一个可写的位置（--out）。", folder) from None
    if not os.access(folder, os.W_OK):
        raise OutputError("输出文件夹不可写。请检查权限或用 --out 换一个位置。", folder)
    return folder


def make_out_dir(folder: Path) -> Path | None:
    """Create the output folder; return the outermost folder this created (None if it existed),
    so that a build which writes nothing can take it away again."""
    created = None
    for parent in (folder, *folder.parents):
        if parent.exists() or parent.is_symlink():
            break
        created = parent
    ensure_dir(folder)
    return created


def remove_if_empty(folder: Path | None, inner: Path) -> None:
    """Remove the empty folders from ``inner`` up to ``folder`` (what ``make_out_dir`` made)."""
    if folder is None:
        return
    for path in (inner, *inner.parents):
        try:
            path.rmdir()
        except OSError:
            return
        if path == folder:
            return


def atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (same-folder temporary file, fsync, rename).

    A symlinked file is written through to its target, and an existing file keeps its mode
    (``check --fix`` rewrites the editors' own files)."""
    path = path.resolve() if path.is_symlink() else path
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"写入失败（{os_reason(exc)}）。", path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def replace_file(root: Path, relative: str, data: bytes) -> Path:
    """Write ``root/relative`` atomically without following any symlink below ``root``: a link
    where a folder or the file belongs is replaced by a real one, never written through (the
    library's site may hold links planted by anyone who can write there)."""
    *folders, name = PurePosixPath(relative).parts
    fd = _open_real_dirs(root, folders)
    tmp = f".{name}.{os.urandom(6).hex()}.tmp"
    try:
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=fd)
        with os.fdopen(out, "wb") as handle:
            os.fchmod(handle.fileno(), 0o644)  # readable by the web server whatever the umask
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, name, src_dir_fd=fd, dst_dir_fd=fd)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=fd)
        raise OutputError(f"写入失败（{os_reason(exc)}）。", root / relative) from None
    finally:
        os.close(fd)
    return root / relative


def real_folder(root: Path, relative: str) -> Path:
    """``root/relative`` as real folders (a symlink in the way is replaced, its target untouched)."""
    os.close(_open_real_dirs(root, PurePosixPath(relative).parts))
    return root / relative


def is_real_file(root: Path, relative: str) -> bool:
    """``root/relative`` is a regular file reached through no symlink below ``root``."""
    path = root
    for part in PurePosixPath(relative).parts:
        path = path / part
        if path.is_symlink():
            return False
    return path.is_file()


def _open_real_dirs(root: Path, folders) -> int:
    """A descriptor of ``root/folders…``, each created if missing and none of them a symlink."""
    fd = os.open(ensure_dir(root), os.O_RDONLY | os.O_DIRECTORY)
    try:
        for folder in folders:
            child = _enter(fd, folder)
            os.close(fd)
            fd = child
    except OSError as exc:
        os.close(fd)
        raise OutputError(f"无法创建网站里的文件夹（{os_reason(exc)}）。", root.joinpath(*folders)) from None
    return fd


def _enter(parent: int, name: str) -> int:
    """Open the real folder ``name`` in ``parent``, made if missing; a symlink there is removed."""
    if name in ("", ".", "..") or "/" in name:
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
    try:
        mode = os.lstat(name, dir_fd=parent).st_mode
        if stat.S_ISLNK(mode):
            os.unlink(name, dir_fd=parent)
        elif not stat.S_ISDIR(mode):
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
    except FileNotFoundError:
        pass
    with contextlib.suppress(FileExistsError):
        os.mkdir(name, 0o755, dir_fd=parent)
    return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent)


class EditionSet:
    """The editions of one build, staged in ``out/.ISSUE.*.tmp/`` and swapped in together.

    While a build runs it holds a lock on its staging folder; a folder nobody holds is left
    over from a killed build: the next build finishes its swap if it was complete
    (``.complete`` written) and removes it otherwise, with any stale ``.ISSUE*.tmp`` file."""

    def __init__(self, out_dir: Path, issue_id: str, sources: Iterable[Path] = (), suffixes: Iterable[str] = (),
                 recipe: str | None = None):
        self.out_dir = out_dir
        self.issue_id = issue_id
        self.sources = [Path(p) for p in sources]
        self.suffixes = tuple(suffixes)  # every edition an issue may have: ``.pdf``, ``-印厂版.pdf``…
        self.recipe = recipe  # what this build's editions are made from (None: unknown, keep nothing)
        self.staging: Path | None = None
        self.removed: list[Path] = []  # editions of an earlier build this one replaced by nothing
        self.kept: list[Path] = []  # editions of an earlier build made from the same recipe
        self._lock: int | None = None

    def __enter__(self) -> "EditionSet":
        with _locked(self.out_dir):
            remove_stale(self.out_dir, self.issue_id)
            self.staging = Path(tempfile.mkdtemp(prefix=f".{self.issue_id}.", suffix=".tmp", dir=self.out_dir))
            self._lock = _hold(self.staging)  # before another build may look for stale folders
        return self

    def __exit__(self, *exc_info) -> None:
        if self.staging is not None and self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def names(self) -> list[str]:
        return sorted(p.name for p in self.staging.iterdir() if p.name != COMPLETE)

    def commit(self) -> dict[str, Path]:
        """Swap every staged edition in; refuse first if one would replace a source or a folder."""
        names = self.names()
        for name in names:
            self._refuse_to_replace(self.out_dir / name)
        _sync(self.staging, names)
        (self.staging / COMPLETE).touch()
        _fsync_dir(self.staging)
        with _locked(self.out_dir), _signals_held():
            stale = self._stale_editions(names)
            recipes = self._recipes()
            self.kept = [path for path in stale if self.recipe is not None and recipes.get(path.name) == self.recipe
                         and not path.is_symlink()]
            _move_in(self.staging, self.out_dir, names)
            self.removed = _remove([path for path in stale if path not in self.kept])
            self._record(names)
        return {name: self.out_dir / name for name in names}

    def _recipes(self) -> dict[str, str]:
        try:
            found = json.loads((self.out_dir / RECIPES.format(issue_id=self.issue_id)).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {k: v for k, v in found.items() if isinstance(v, str)} if isinstance(found, dict) else {}

    def _record(self, names: list[str]) -> None:
        """Each edition now in the folder with its recipe; without a recipe the record goes (an
        edition it named may just have been replaced by one made from something else)."""
        record = self.out_dir / RECIPES.format(issue_id=self.issue_id)
        editions = [name for name in names if not name.startswith(".")] + [path.name for path in self.kept]
        if self.recipe is None:
            record.unlink(missing_ok=True)
            return
        text = json.dumps({name: self.recipe for name in sorted(editions)}, ensure_ascii=False, indent=1)
        atomic_write(record, (text + "\n").encode("utf-8"))

    def mark_source(self, origin: str) -> None:
        """Record in the staged set which source it is made from (swapped in with it)."""
        (self.staging / SOURCE_MARKER.format(issue_id=self.issue_id)).write_text(origin + "\n", encoding="utf-8")

    def _stale_editions(self, names: list[str]) -> list[Path]:
        """Editions of this issue in the output folder that this build did not write (never a source)."""
        stale = [self.out_dir / f"{self.issue_id}{suffix}" for suffix in self.suffixes]
        return [path for path in stale if path.name not in names and (path.is_file() or path.is_symlink())
                and not any(_same_entry(path, source) for source in self.sources)]

    def _refuse_to_replace(self, target: Path) -> None:
        if any(_same_entry(target, source) for source in self.sources):
            raise OutputError("输出文件和本期的源文件同名，排版会覆盖它：已停止，没有写出任何文件。"
                              "请用 --out 换一个输出文件夹，或给这个源文件改名。", target)
        if target.is_dir() and not target.is_symlink():
            raise OutputError("输出文件夹里有一个与输出文件同名的文件夹：已停止，没有写出任何文件。请给它改名或用 --out 换一个位置。",
                              target)


def _same_entry(target: Path, source: Path) -> bool:
    """``target`` names the file ``source`` (the same directory entry, or the same file)."""
    try:
        if target.parent.resolve() / target.name == source.parent.resolve() / source.name:
            return True
        return target.is_file() and not target.is_symlink() and os.path.samefile(target, source)
    except OSError:
        return False


def _move_in(staging: Path, out_dir: Path, names: list[str]) -> None:
    """Rename each edition into place: a symlink named like an edition is replaced, never
    written through."""
    try:
        for name in names:
            if (staging / name).exists():
                os.replace(staging / name, out_dir / name)
        _fsync_dir(out_dir)
    except OSError as exc:
        raise OutputError(f"替换输出文件失败（{os_reason(exc)}）。下次排版会补完这次替换。", out_dir) from None
    (staging / COMPLETE).unlink()


def _remove(paths: list[Path]) -> list[Path]:
    removed = []
    for path in paths:
        try:
            path.unlink()
            removed.append(path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise OutputError(f"新版本已写好，但无法删除上次留下的旧文件（{os_reason(exc)}）。请手动删除它。", path) from None
    return removed


def recorded_source(out_dir: Path, issue_id: str) -> str | None:
    """The source an earlier build of ``issue_id`` in ``out_dir`` was made from (None: unknown)."""
    try:
        return (out_dir / SOURCE_MARKER.format(issue_id=issue_id)).read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def remove_stale(out_dir: Path, issue_id: str) -> None:
    """Finish or remove what a killed build of ``issue_id`` left in ``out_dir``."""
    for entry in sorted(out_dir.glob(f".{issue_id}*.tmp")):
        if entry.is_dir() and not entry.is_symlink():
            _remove_stale_staging(entry, out_dir)
        else:
            entry.unlink(missing_ok=True)


def _remove_stale_staging(staging: Path, out_dir: Path) -> None:
    try:
        lock = _hold(staging, wait=False)
    except BlockingIOError:
        return  # another build is still writing there
    try:
        if (staging / COMPLETE).exists():
            _move_in(staging, out_dir, sorted(p.name for p in staging.iterdir() if p.name != COMPLETE))
        shutil.rmtree(staging, ignore_errors=True)
    finally:
        os.close(lock)


def _hold(folder: Path, wait: bool = True) -> int:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BaseException:
        os.close(fd)
        raise
    return fd


class _locked:
    """An exclusive lock on a folder for a short step (cleaning up, swapping in)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self) -> None:
        self.fd = _hold(self.folder)

    def __exit__(self, *exc_info) -> None:
        os.close(self.fd)


class _signals_held:
    """Ctrl-C or a termination request during the swap takes effect once it is done."""

    SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}

    def __enter__(self) -> None:
        self.previous = signal.pthread_sigmask(signal.SIG_BLOCK, self.SIGNALS)

    def __exit__(self, *exc_info) -> None:
        signal.pthread_sigmask(signal.SIG_SETMASK, self.previous)


def _sync(folder: Path, names: list[str]) -> None:
    for name in names:
        fd = os.open(folder / name, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
