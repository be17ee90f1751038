"""The print PDF's pages as JPEG pictures (poppler's pdftoppm), made once per edition.

A browser shows them without a PDF viewer, and a reloaded page keeps its place among them."""

from __future__ import annotations

import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from typeset.preview.rebuild import Edition

RESOLUTION = 90  # dpi: an A4 page about 740 pixels wide
QUALITY = 90  # JPEG: five times faster to make than PNG (pdftoppm compresses PNG slowly), text still crisp


@dataclass(frozen=True)
class Pictures:
    version: int
    files: tuple[Path, ...] = ()
    size: tuple[int, int] = (0, 0)  # width, height of the first page in pixels
    failure: str = ""


class PagePictures:
    """The pictures of the newest edition asked for (made right after each build, or when the
    page asks first); older ones are deleted."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.made = Pictures(-1)
        self._lock = threading.Lock()

    def of(self, edition: Edition) -> Pictures:
        with self._lock:
            if self.made.version < edition.version:  # never back to an older edition's pages
                shutil.rmtree(self.folder, ignore_errors=True)
                self.made = _render(edition, self.folder / str(edition.version))
            return self.made

    def page(self, edition: Edition, version: int, number: int) -> bytes | None:
        made = self.of(edition) if version == edition.version else self.made
        if made.version != version or not 1 <= number <= len(made.files):
            return None
        try:
            return made.files[number - 1].read_bytes()
        except OSError:
            return None


def _render(edition: Edition, folder: Path) -> Pictures:
    if not edition.pdf:
        return Pictures(edition.version)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "issue.pdf").write_bytes(edition.pdf)
    try:
        subprocess.run(["pdftoppm", "-r", str(RESOLUTION), "-jpeg", "-jpegopt", f"quality={QUALITY}", "issue.pdf", "page"], cwd=folder,
                       capture_output=True, timeout=120, check=True)
    except (OSError, subprocess.SubprocessError) as error:
        return Pictures(edition.version, failure=f"无法把页面转成图片（{type(error).__name__}），请直接打开印刷版 PDF。")
    files = tuple(sorted(folder.glob("page-*.jpg"), key=lambda p: int(p.stem.rsplit("-", 1)[1])))
    return Pictures(edition.version, files, _size(files[0]) if files else (0, 0))


def _size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as picture:  # reads the header only
        return picture.size
