"""Preparing a picture for an edition: orientation applied, EXIF and other metadata dropped,
colour to sRGB (or, for the print shop, to CMYK with the output intent's profile), alpha
flattened onto white (PDF/A and press need no soft masks, and a QR code stays readable on a
dark e-reader), resized with LANCZOS, encoded deterministically (same pixels, same bytes).

Encoding: photos JPEG; line art (screenshots, logos, QR codes, charts: ``kind.is_line_art``)
lossless PNG (Flate in the PDF) in every edition, as grey (``DeviceGray``) when it has no
colour, so that black line art prints on the black plate only in the press edition. Coloured
line art for the press is CMYK JPEG at ``LINE_ART_PRESS_QUALITY`` without chroma subsampling:
PNG holds no CMYK, and WeasyPrint 70 writes other CMYK images only as JPEG."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from typeset.figures import cache
from typeset.figures.decode import Source, open_image

JPEG_QUALITY = {"print": 85, "press": 88, "screen": 80}
PALETTE_COLOURS = 256  # at most this many colours (QR codes, diagrams): PNG, lossless
LINE_ART_PRESS_QUALITY = 95
NEUTRAL = 8  # line art whose channels differ by at most this everywhere is grey


@dataclass(frozen=True)
class Prepared:
    data: bytes
    media_type: str  # image/jpeg or image/png
    size: tuple[int, int]

    @property
    def suffix(self) -> str:
        return ".png" if self.media_type == "image/png" else ".jpg"


def prepare(source: Source, width: int, edition: str, profile: bytes = b"", line_art: bool = False) -> Prepared:
    """The picture ``width`` pixels across for ``edition`` (cached by content)."""
    import hashlib

    parts = (source.digest, edition, str(width), hashlib.sha256(profile).hexdigest())
    key = cache.cache_key(*parts, "line-art") if line_art else cache.cache_key(*parts)
    cached = _trusted(cache.load(key))
    if cached is not None:
        return cached
    image = _pixels(source, width)
    data = _encode_line_art(image, edition, profile) if line_art else _encode(image, edition, profile)
    cache.store(key, data)
    return _described(data)


def _trusted(data: bytes | None) -> Prepared | None:
    """A cache entry as ours would be (a PNG or JPEG without EXIF that decodes), else a miss."""
    if data is None:
        return None
    try:
        prepared = _described(data)
        with open_image(data) as image:
            image.load()
            sound = image.format in ("PNG", "JPEG") and "exif" not in image.info
    except Exception:  # noqa: BLE001 - anything Pillow refuses is a miss, rewritten below
        return None
    return prepared if sound else None


def _described(data: bytes) -> Prepared:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return Prepared(data, Image.MIME[image.format], image.size)


def _pixels(source: Source, width: int):
    """Decoded, upright, in sRGB (or grey), on white, ``width`` pixels across."""
    from PIL import Image, ImageOps

    with open_image(source.data, source.name) as opened:
        _reduce(opened, width / source.size[0])
        image = ImageOps.exif_transpose(opened)
        image = _to_srgb(image)
    if width < image.width:
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return image


def _reduce(image, scale: float) -> None:
    """A JPEG decodes at 1/2, 1/4 or 1/8 when that still leaves ``scale`` of its pixels or
    more (a 108-megapixel photo printed 2,000 px across never holds its full pixels)."""
    if scale < 1:
        image.draft(image.mode, (max(1, math.ceil(image.width * scale)), max(1, math.ceil(image.height * scale))))


def _to_srgb(image):
    """Alpha flattened onto white; colours converted from an embedded profile to sRGB."""
    from PIL import Image, ImageCms

    profile = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba).convert("RGB")
    elif image.mode in ("1", "L", "F"):
        return image.convert("L")
    elif image.mode.startswith("I"):
        return _grey_8bit(image)
    elif image.mode != "RGB" and image.mode != "CMYK":
        image = image.convert("RGB")
    if profile and image.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            image = image.convert("RGB")
    return image.convert("RGB") if image.mode == "CMYK" else image


def _grey_8bit(image):
    """16-bit grey (PNG/TIFF modes I;16…, or I) scaled to 8 bits; ``convert("L")`` would clip
    everything above 255 to white."""
    wide = image.convert("I")
    if image.mode == "I" and wide.getextrema()[1] <= 255:
        return wide.convert("L")  # 8-bit values held wide: nothing to scale
    return wide.point(lambda value: value / 257).convert("L")


def _encode(image, edition: str, profile: bytes) -> bytes:
    buffer = io.BytesIO()
    if edition == "press":
        image = _to_cmyk(image, profile)
        image.save(buffer, "JPEG", quality=JPEG_QUALITY[edition], optimize=True)
    elif image.getcolors(PALETTE_COLOURS) is not None:
        _palette(image).save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "JPEG", quality=JPEG_QUALITY[edition], optimize=True)
    return buffer.getvalue()


def _encode_line_art(image, edition: str, profile: bytes) -> bytes:
    """Lossless PNG (grey when colourless); the press's coloured line art as fine CMYK JPEG."""
    buffer = io.BytesIO()
    if image.mode != "L" and _neutral(image):
        image = image.convert("L")
    if edition == "press" and image.mode != "L":
        _to_cmyk(image, profile).save(buffer, "JPEG", quality=LINE_ART_PRESS_QUALITY, subsampling=0, optimize=True)
    elif image.getcolors(PALETTE_COLOURS) is not None:
        _palette(image).save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _neutral(image) -> bool:
    """Every pixel grey (channels within ``NEUTRAL`` of each other)."""
    from PIL import ImageChops

    red, green, blue = image.convert("RGB").split()
    return all(ImageChops.difference(a, b).getextrema()[1] <= NEUTRAL
               for a, b in ((red, green), (green, blue), (red, blue)))


def _palette(image):
    """An image of few colours as a palette PNG, every colour kept exactly."""
    if image.mode == "L":
        return image
    return image.quantize(colors=PALETTE_COLOURS, method=0, dither=0)


def _to_cmyk(image, profile: bytes):
    """sRGB → the output intent's CMYK (relative colorimetric), as the press edition's text."""
    from PIL import ImageCms

    if image.mode == "L":
        return image  # grey prints on the black plate: DeviceGray, never RGB
    target = ImageCms.ImageCmsProfile(io.BytesIO(profile))
    return ImageCms.profileToProfile(image, ImageCms.createProfile("sRGB"), target, outputMode="CMYK",
                                     renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
