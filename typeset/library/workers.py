"""Build stage of the library: the editions of every changed issue, in parallel.

This process is warmed once (WeasyPrint imported, the typography extension installed); each
issue is then built in a process forked from it, one per core at a time, which exits when its
issue is done: a build's memory (~150 MB an issue) is given back, whatever the archive's size.
A failing issue (any exception, or a process killed) is reported, never raised: the others go on.
"""

from __future__ import annotations

import ctypes
import io
import multiprocessing
import multiprocessing.connection
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from typeset.errors import CheckFailed, EnvironmentProblem, TypesetError
from typeset.outputs import replace_file

COVER_NAME = "cover.png"
FULL_COVER = ".cover-full.png"  # pdftoppm's page, before it becomes the thumbnail
SITE_FORMATS = ("pdf", "archive", "epub")  # what a member downloads; never the HTML edition (an issue's own templates make it)
COVER_WIDTH = 360  # pixels: a thumbnail at 2x for a 180 px wide card
COVER_COLOURS = 32  # a palette PNG: a third of the bytes of full colour, same look at this size
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_PARENT: int | None = None  # in a pool worker: the process id of huikan library


@dataclass(frozen=True)
class Job:
    issue_id: str
    folder: Path
    out_dir: Path


@dataclass
class Outcome:
    issue_id: str
    files: dict[str, Path] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # the check's findings, labelled 警告/错误 (none stopped the build)
    error: str | None = None


def core_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def build_all(jobs: list[Job], workers: int | None = None) -> list[Outcome]:
    """Run every job; outcomes come back in the order of ``jobs``."""
    if not jobs:
        return []
    count = max(1, min(workers or core_count(), len(jobs)))
    if len(jobs) == 1 or os.name != "posix":  # in this process: WeasyPrint is imported only if needed
        return [build_issue(job) for job in jobs]
    warm()
    return _in_children(jobs, count)


def _in_children(jobs: list[Job], count: int) -> list[Outcome]:
    """Each job in a child forked from this warm process, ``count`` at a time."""
    context = multiprocessing.get_context("fork")
    outcomes: dict[int, Outcome] = {}
    waiting = list(enumerate(jobs))
    running: dict[object, tuple[int, multiprocessing.Process]] = {}  # the child's pipe → job, child
    try:
        while waiting or running:
            while waiting and len(running) < count:
                index, job = waiting.pop(0)
                reader, writer = context.Pipe(duplex=False)
                child = context.Process(target=_child, args=(job, writer, os.getpid()), daemon=True)
                child.start()
                writer.close()
                running[reader] = (index, child)
            for reader in multiprocessing.connection.wait(list(running)):
                index, child = running.pop(reader)
                outcomes[index] = _receive(jobs[index], reader, child)
    finally:
        for reader, (_, child) in running.items():  # interrupted: no child outlives the run
            child.kill()
            child.join()
            reader.close()
    return [outcomes[index] for index in range(len(jobs))]


def _child(job: Job, writer, parent: int) -> None:
    global _PARENT
    _PARENT = parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is huikan library's to report, once
    die_with_parent()
    writer.send(build_issue(job))
    writer.close()


def _receive(job: Job, reader, child) -> Outcome:
    try:
        outcome = reader.recv()
    except (EOFError, OSError):
        outcome = Outcome(job.issue_id, error="排版进程意外退出（可能是内存不足），请单独运行 huikan build 查看原因。")
    reader.close()
    child.join()
    return outcome


def warm() -> None:
    """Import WeasyPrint once and install the CJK justification extension, before forking."""
    import weasyprint  # noqa: F401

    from typeset.typography import install
    from typeset.writers import writers

    install()
    writers()


def die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies (even by kill -9): an orphan would
    hold hundreds of MB and keep swapping editions into the site."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    leave_if_orphaned()  # the parent may have died before the request


def leave_if_orphaned(stage: str = "") -> None:
    """In a worker whose parent is gone: exit at once, before anything more is written."""
    if _PARENT is not None and os.getppid() != _PARENT:
        os._exit(1)


def build_issue(job: Job) -> Outcome:
    """All editions of one issue and its cover thumbnail; any failure becomes ``Outcome.error``."""
    from typeset.build import build

    try:
        result = build(job.folder, job.out_dir, formats=SITE_FORMATS, progress=leave_if_orphaned)  # checked at every stage
        leave_if_orphaned()
        files = dict(result.files)
        files["cover"] = draw_cover(files["pdf"], job.out_dir / COVER_NAME)
        return Outcome(job.issue_id, files, list(result.warnings), [f.labelled() for f in result.findings])
    except CheckFailed as failed:
        return Outcome(job.issue_id, error=check_failed(failed, job.folder))
    except TypesetError as error:
        return Outcome(job.issue_id, error=str(error))
    except Exception as error:  # noqa: BLE001 - one issue's bug must not stop the others
        return Outcome(job.issue_id, error=f"内部错误（{type(error).__name__}：{error}），请单独运行 huikan build 查看详情。")


def check_failed(failed: CheckFailed, folder: Path) -> str:
    """The build's "run huikan check, or add --force" said for the library, which has no --force:
    the check command names the issue's folder as typed from here."""
    errors = sum(finding.severity == "error" for finding in failed.findings)
    where = os.path.relpath(folder)
    where = f'"{where}"' if any(c.isspace() or c in "'\"$`\\;&|<>()*?" for c in where) else where
    return f"发现 {errors} 处必须修改的错误，这一期没有排版。请运行 huikan check {where} 查看并修改。"


def draw_cover(pdf: Path, target: Path) -> Path:
    """The masthead page as a small palette PNG (pdftoppm, then Pillow: same PDF, same bytes)."""
    from PIL import Image

    raw = render_first_page(pdf, target.with_name(FULL_COVER).with_suffix(""))
    try:
        with Image.open(raw) as image:
            palette = image.convert("RGB").quantize(COVER_COLOURS)
        buffer = io.BytesIO()
        palette.save(buffer, "PNG", optimize=True)
    finally:
        raw.unlink(missing_ok=True)
    return replace_file(target.parent, target.name, buffer.getvalue())


def render_first_page(pdf: Path, stem: Path) -> Path:
    stem.with_suffix(".png").unlink(missing_ok=True)  # pdftoppm would write through a link there
    command = ["pdftoppm", "-png", "-f", "1", "-l", "1", "-singlefile",
               "-scale-to-x", str(COVER_WIDTH), "-scale-to-y", "-1", str(pdf), str(stem)]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    except FileNotFoundError:
        raise EnvironmentProblem("找不到 pdftoppm（poppler-utils），无法生成封面缩略图。请运行 make system 安装。") from None
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        raise TypesetError("生成封面缩略图失败（pdftoppm 出错）。", pdf) from None
    return stem.with_suffix(".png")
