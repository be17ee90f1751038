"""What kind of picture a source is, from its pixels: a photo, or line art (screenshots, logos,
QR codes, charts: few colours or large flat areas with hard edges).

Line art stays lossless in every edition (PNG, Flate in the PDF: JPEG blurs text and QR
modules); a screenshot, line art that is not square (QR codes are), carries interface text
and is placed large enough to read (:mod:`typeset.figures.plan`).

Measured on the picture bulletin's eight images and the test pictures (share of horizontally
neighbouring pixels whose grey differs by at most 2 — *flat* — and of light pixels): photos
0.46-0.80 flat (a dark camera photo 0.80 with 3% light pixels); screenshots and QR codes
0.82-1.00; a QR code saved as JPEG 0.89 flat with a light background.
"""

from __future__ import annotations

from typeset.figures.decode import Source, open_image

SAMPLE_WIDTH = 600  # pixels across the classifying thumbnail
FEW_COLOURS = 256
FLAT_LOSSLESS = 0.8  # a PNG/TIFF this flat is line art
FLAT_LOSSY = 0.85  # a JPEG/HEIC/WebP must be this flat and mostly light (a QR code as JPEG)
LIGHT_SHARE = 0.3
SQUARE = (0.9, 1.1)  # aspect range of QR codes and logos: line art without text to read
LOSSLESS_FORMATS = ("PNG", "TIFF")


_KNOWN: dict[str, bool] = {}  # digest → line art


def is_line_art(source: Source) -> bool:
    if source.digest not in _KNOWN:
        _KNOWN[source.digest] = _classify(source)
    return _KNOWN[source.digest]


def is_screenshot(source: Source) -> bool:
    """Line art that is not square: a screenshot, a chart, a poster — text to be read."""
    width, height = source.size
    return is_line_art(source) and not (SQUARE[0] <= width / height <= SQUARE[1])


def _classify(source: Source) -> bool:
    try:
        image = _thumbnail(source)
    except Exception:  # noqa: BLE001 - pixels Pillow cannot read are reported by the reader; no kind
        return False
    if image.getcolors(FEW_COLOURS) is not None:
        return True
    flat, light = _flatness(image)
    if source.format in LOSSLESS_FORMATS:
        return flat >= FLAT_LOSSLESS
    return flat >= FLAT_LOSSY and light >= LIGHT_SHARE


def _thumbnail(source: Source):
    """Upright RGB on white, at most ``SAMPLE_WIDTH`` across (nearest neighbour: no new colours)."""
    from PIL import Image

    with open_image(source.data, source.name) as opened:
        opened.draft("RGB", (opened.width // 2, opened.height // 2))
        image = opened.convert("RGBA")
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    image = Image.alpha_composite(white, image).convert("RGB")
    if image.width > SAMPLE_WIDTH:
        image = image.resize((SAMPLE_WIDTH, max(1, round(image.height * SAMPLE_WIDTH / image.width))),
                             Image.Resampling.NEAREST)
    return image


def _flatness(image) -> tuple[float, float]:
    """(share of flat neighbour pairs, share of light pixels) of an RGB image."""
    from PIL import ImageChops

    grey = image.convert("L")
    if grey.width < 2:
        return 0.0, 0.0
    left, right = grey.crop((0, 0, grey.width - 1, grey.height)), grey.crop((1, 0, grey.width, grey.height))
    steps = ImageChops.difference(left, right).histogram()
    levels = grey.histogram()
    return sum(steps[:3]) / max(1, sum(steps)), sum(levels[235:]) / max(1, sum(levels))
