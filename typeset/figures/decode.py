"""Reading a picture: its bytes (from the issue folder, confined, or embedded in a document)
and its pixels (Pillow; HEIC through pillow-heif). Errors name the source line."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from typeset.errors import SourceError
from typeset.model import Origin, Picture
from typeset.sources.confine import Confinement, read_inside

FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "HEIF", "MPO")
MAX_PICTURE_BYTES = 60 * 1024 * 1024
# Pixels a picture may have: a 108-megapixel phone photo passes (a JPEG decodes reduced, see
# ``draft``); a small PNG declaring 13000×13000 (4 GB once decoded) does not.
MAX_PIXELS = 120_000_000
# Longest side ÷ shortest: a long phone screenshot is ~10:1; at 25:1 a picture no taller than
# 40% of the type area prints ~4 mm wide (a 1×20,000 one would print 0 mm wide).
MAX_ASPECT = 25
_HEIF_READY = False


@dataclass(frozen=True)
class Source:
    """A picture's bytes, what Pillow says of them, and where it was written."""

    data: bytes
    size: tuple[int, int]  # pixels, after the EXIF orientation
    format: str
    origin: Origin
    name: str
    digest: str  # of the bytes: the cache and the ``figure:`` URLs are keyed by content

    @property
    def photo(self) -> bool:
        """A camera picture (JPEG/HEIC) rather than a screenshot or a drawing."""
        return self.format in ("JPEG", "HEIF", "MPO")


class TooManyPixels(SourceError):
    """A picture larger than ``MAX_PIXELS``, refused before its pixels are decoded."""

    def __init__(self, name: str, size: tuple[int, int], path=None, line=None):
        self.name, self.size = name, size
        width, height = size
        super().__init__(f"图片“{name}”有 {width * height // 10000} 万像素（{width}×{height}），超过上限 "
                         f"{MAX_PIXELS // 10000} 万像素：请用图片软件缩小后再用。", path, line)


def register_heif() -> None:
    global _HEIF_READY
    if not _HEIF_READY:
        try:
            from pillow_heif import register_heif_opener
        except ImportError:  # pragma: no cover - the lock installs it
            return
        register_heif_opener()
        _HEIF_READY = True


def picture_bytes(picture: Picture, origin: Origin, root: str) -> bytes:
    """The picture's bytes: embedded ones, or the file named relative to the issue folder."""
    if picture.data:
        return picture.data
    folder = Path(root)
    path = folder / picture.source
    where, line = Path(origin.file), picture.line or origin.line
    try:
        return read_inside(path, folder, MAX_PICTURE_BYTES)
    except Confinement as exc:
        message = _REFUSALS[exc.kind].format(name=picture.source) if exc.kind in _REFUSALS else exc.message
        raise SourceError(message, where, line) from None


_REFUSALS = {
    "outside": "图片“{name}”不在本期文件夹中：请把图片复制到本期文件夹里。",
    "missing": "找不到图片“{name}”：请检查文件名，图片须放在本期文件夹中。",
    "special": "找不到图片“{name}”：请检查文件名，图片须放在本期文件夹中。",
    "large": f"图片“{{name}}”太大（超过 {MAX_PICTURE_BYTES // 1048576} MB）：请先缩小后再放入。",
}


def open_image(data: bytes, name: str = "图片"):
    """A Pillow image of ``data`` (not yet decoded); ``TooManyPixels`` above ``MAX_PIXELS``."""
    from PIL import Image

    register_heif()
    Image.MAX_IMAGE_PIXELS = None  # Pillow's own bomb check would call a large photo broken:
    try:  # the size is checked here instead, from the header, with a message naming it
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    finally:
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # what later frames and tiles are checked against
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise TooManyPixels(name, image.size)
    return image


def read_source(picture: Picture, origin: Origin, root: str) -> Source:
    data = picture_bytes(picture, origin, root)
    try:
        with open_image(data, picture.source) as image:
            size, kind = oriented_size(image), image.format
            _check_aspect(picture.source, size, Path(origin.file), picture.line or origin.line)
            image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))  # a JPEG decodes at 1/8
            image.load()
    except TooManyPixels as error:
        raise TooManyPixels(error.name, error.size, Path(origin.file), picture.line or origin.line) from None
    except SourceError:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a broken or unknown file
        raise SourceError(f"图片“{picture.source}”无法读取（文件损坏，或不是 JPEG、PNG、WebP、TIFF、HEIC 图片）：请用图片软件重新保存。",
                          Path(origin.file), picture.line or origin.line) from None
    return Source(data, size, kind, origin, picture.source, hashlib.sha256(data).hexdigest()[:24])


def _check_aspect(name: str, size: tuple[int, int], where: Path, line: int | None) -> None:
    width, height = size
    if max(width, height) > MAX_ASPECT * max(min(width, height), 1) or min(width, height) < 1:
        raise SourceError(f"图片“{name}”太细长（{width}×{height} 像素，长边超过短边的 {MAX_ASPECT} 倍），"
                          "印出来只是一条线：请裁剪或拼接后再用。", where, line)


def oriented_size(image) -> tuple[int, int]:
    """Width and height as the picture is seen (EXIF orientation 5-8 swap them)."""
    orientation = image.getexif().get(0x0112, 1)
    width, height = image.size
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)
