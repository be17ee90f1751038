"""Preparing a picture for an edition: orientation applied, EXIF and other metadata dropped,
colour to sRGB (or, for the print shop, to CMYK with the output intent's profile), alpha
flattened onto white (PDF/A and press need no soft masks, and a QR code stays readable on a
dark e-reader), resized with LANCZOS, encoded deterministically (same pixels, same bytes)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from typeset.figures import cache
from typeset.figures.decode import Source, open_image

JPEG_QUALITY = {"print": 85, "press": 88, "screen": 80}
PALETTE_COLOURS = 256  # at most this many colours (QR codes, diagrams): PNG, lossless


@dataclass(frozen=True)
class Prepared:
    data: bytes
    media_type: str  # image/jpeg or image/png
    size: tuple[int, int]

    @property
    def suffix(self) -> str:
        return ".png" if self.media_type == "image/png" else ".jpg"


def prepare(source: Source, width: int, edition: str, profile: bytes = b"") -> Prepared:
    """The picture ``width`` pixels across for ``edition`` (cached by content)."""
    import hashlib

    key = cache.cache_key(source.digest, edition, str(width), hashlib.sha256(profile).hexdigest())
    cached = cache.load(key)
    if cached is not None:
        return _described(cached)
    image = _pixels(source, width)
    data = _encode(image, edition, profile)
    cache.store(key, data)
    return _described(data)


def _described(data: bytes) -> Prepared:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return Prepared(data, Image.MIME[image.format], image.size)


def _pixels(source: Source, width: int):
    """Decoded, upright, in sRGB (or grey), on white, ``width`` pixels across."""
    from PIL import Image, ImageOps

    with open_image(source.data) as opened:
        image = ImageOps.exif_transpose(opened)
        image = _to_srgb(image)
    if width < image.width:
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return image


def _to_srgb(image):
    """Alpha flattened onto white; colours converted from an embedded profile to sRGB."""
    from PIL import Image, ImageCms

    profile = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba).convert("RGB")
    elif image.mode in ("1", "L", "I;16", "I", "F"):
        return image.convert("L")
    elif image.mode != "RGB" and image.mode != "CMYK":
        image = image.convert("RGB")
    if profile and image.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            image = image.convert("RGB")
    return image.convert("RGB") if image.mode == "CMYK" else image


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
