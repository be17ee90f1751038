"""The cover image: the issue's own ``meta.cover`` picture if it names one, otherwise the
masthead (刊名, 年份期号, 总期号, 编印单位, 日期) drawn with Pillow in the style's fonts.
The drawing is deterministic: the same issue gives the same PNG bytes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from typeset.fontconfig import find_font
from typeset.errors import ConfigError, EnvironmentProblem
from typeset.model import IssueMeta
from typeset.render import date_label

WIDTH, HEIGHT = 1200, 1800
MARGIN = 110
INK = (26, 26, 26)
MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@dataclass(frozen=True)
class Cover:
    file_name: str  # inside the EPUB
    media_type: str
    data: bytes
    alt: str


def cover_alt(meta: IssueMeta) -> str:
    return f"封面：{meta.title}，{meta.issue_label}{meta.serial_label}，{meta.publisher}编印，{date_label(meta.date)}。"


def make_cover(meta: IssueMeta, style, root: str) -> Cover:
    if meta.cover:
        return _given_cover(meta, root)
    return Cover("images/cover.png", "image/png", draw_masthead(meta, style), cover_alt(meta))


def _given_cover(meta: IssueMeta, root: str) -> Cover:
    folder = Path(root).resolve()
    path = (folder / meta.cover).resolve()
    suffix = path.suffix.lower()
    where = folder / "issue.toml"
    if not path.is_relative_to(folder) or not path.is_file():
        raise ConfigError(f"找不到封面图片“{meta.cover}”（须放在本期文件夹中）。", where)
    if suffix not in MEDIA_TYPES:
        raise ConfigError(f"封面图片“{meta.cover}”须为 PNG 或 JPEG 格式。", where)
    from typeset.figures.decode import MAX_PICTURE_BYTES
    from typeset.sources.confine import Confinement, read_inside

    try:
        data = read_inside(folder / meta.cover, folder, MAX_PICTURE_BYTES)
    except Confinement as exc:
        raise ConfigError(f"封面图片“{meta.cover}”无法读取：{exc.message}", where) from None
    if not _is_image(data, MEDIA_TYPES[suffix]):
        raise ConfigError(f"封面图片“{meta.cover}”不是有效的 {suffix[1:].upper()} 图片（也许只是改了扩展名）：请用图片软件重新保存。", where)
    from typeset.figures.plan import screen_picture

    picture = screen_picture(data, meta.cover)  # a phone photo's EXIF (GPS) must not reach members
    return Cover(f"images/cover{picture.suffix}", picture.media_type, picture.data, cover_alt(meta))


def _is_image(data: bytes, media_type: str) -> bool:
    """Whether ``data`` really is a picture of ``media_type`` (Pillow reads its structure)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return Image.MIME.get(image.format) == media_type
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a broken file
        return False


def _font(style, role: str, weight: str, size: int):
    from PIL import ImageFont

    for family in style.fonts(role) + style.fonts("body"):
        found = find_font(family, weight)
        if found:
            return ImageFont.truetype(found[0], size, index=found[1])
    raise EnvironmentProblem("找不到画封面用的中文字体。请安装 Debian 软件包：apt-get install fonts-noto-cjk")


def draw_masthead(meta: IssueMeta, style) -> bytes:
    from PIL import Image, ImageDraw

    accent = _rgb(style.colors.get("accent_rgb", "#c8161d"))
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([40, 40, WIDTH - 41, HEIGHT - 41], outline=accent, width=4)
    title_size = _fit(meta.title, WIDTH - 2 * MARGIN, 250, 0.25)
    title_font = _font(style, "body", "bold", title_size)
    _spaced(draw, meta.title, title_font, 330, accent, 0.25)
    label_font = _font(style, "heading", "regular", 76)
    _centred(draw, meta.issue_label, label_font, 330 + title_size + 140, INK)
    y = 330 + title_size + 260
    if meta.serial:
        _centred(draw, f"总第{meta.serial}期", _font(style, "heading", "regular", 52), y, INK)
    rule = y + 130
    draw.rectangle([MARGIN, rule, WIDTH - MARGIN, rule + 11], fill=accent)
    draw.rectangle([MARGIN, rule + 24, WIDTH - MARGIN, rule + 27], fill=accent)
    small = _fit(meta.publisher, WIDTH - 2 * MARGIN, 50, 0)
    _centred(draw, meta.publisher, _font(style, "body", "regular", small), HEIGHT - 330, INK)
    _centred(draw, date_label(meta.date), _font(style, "body", "regular", 50), HEIGHT - 240, INK)
    return _png(image)


def _fit(text: str, width: int, largest: int, spacing: float) -> int:
    """The largest size (≤ ``largest``) at which ``text`` of square characters fits ``width``."""
    n = max(len(text), 1)
    return max(24, min(largest, int(width / (n + (n - 1) * spacing))))


def _spaced(draw, text: str, font, y: int, fill, spacing: float) -> None:
    gap = font.size * spacing
    widths = [font.getlength(ch) for ch in text]
    x = (WIDTH - (sum(widths) + gap * (len(text) - 1))) / 2
    for ch, width in zip(text, widths):
        draw.text((x, y), ch, font=font, fill=fill)
        x += width + gap


def _centred(draw, text: str, font, y: int, fill) -> None:
    draw.text(((WIDTH - font.getlength(text)) / 2, y), text, font=font, fill=fill)


def _rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    if len(value) != 6:
        return (200, 22, 29)
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))


def _png(image) -> bytes:
    from PIL import Image

    palette = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG")
    return buffer.getvalue()
