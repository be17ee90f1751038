"""Reading a picture: its bytes (from the issue folder, confined, or embedded in a document)
and its pixels (Pillow; HEIC through pillow-heif). Errors name the source line."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from typeset.errors import SourceError
from typeset.model import Origin, Picture
from typeset.sources.confine import inside

FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "HEIF", "MPO")
MAX_PICTURE_BYTES = 60 * 1024 * 1024
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
    if not inside(path, folder):
        raise SourceError(f"图片“{picture.source}”不在本期文件夹中：请把图片复制到本期文件夹里。", where, line)
    if not path.is_file():
        raise SourceError(f"找不到图片“{picture.source}”：请检查文件名，图片须放在本期文件夹中。", where, line)
    if path.stat().st_size > MAX_PICTURE_BYTES:
        raise SourceError(f"图片“{picture.source}”太大（超过 60 MB）：请先缩小后再放入。", where, line)
    return path.read_bytes()


def open_image(data: bytes):
    """A Pillow image of ``data`` (not yet decoded)."""
    from PIL import Image

    register_heif()
    return Image.open(io.BytesIO(data), formats=FORMATS)


def read_source(picture: Picture, origin: Origin, root: str) -> Source:
    data = picture_bytes(picture, origin, root)
    try:
        with open_image(data) as image:
            image.load()
            size, kind = oriented_size(image), image.format
    except SourceError:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a broken or unknown file
        raise SourceError(f"图片“{picture.source}”无法读取（文件损坏，或不是 JPEG、PNG、WebP、TIFF、HEIC 图片）：请用图片软件重新保存。",
                          Path(origin.file), picture.line or origin.line) from None
    return Source(data, size, kind, origin, picture.source, hashlib.sha256(data).hexdigest()[:24])


def oriented_size(image) -> tuple[int, int]:
    """Width and height as the picture is seen (EXIF orientation 5-8 swap them)."""
    orientation = image.getexif().get(0x0112, 1)
    width, height = image.size
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)
