"""Pictures an attacker (or an unlucky editor) may hand over: a huge group, a spoiled cache,
a decompression bomb, 16-bit grey; every picture here is a few pixels made in the test."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest

from typeset.errors import SourceError
from typeset.figures import cache
from typeset.figures.decode import MAX_PIXELS, Source, read_source
from typeset.figures.plan import GROUP_ROW, place
from typeset.figures.prepare import prepare
from typeset.model import Origin, Picture

MEASURE, HEIGHT = 147.0, 250.0


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HUIKAN_CACHE", str(tmp_path / "cache"))


def _source(data: bytes, size, kind="PNG") -> Source:
    import hashlib

    return Source(data, size, kind, Origin("01.txt", 3), "x.png", hashlib.sha256(data).hexdigest()[:24])


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _qr_png() -> bytes:
    from PIL import Image

    image = Image.new("L", (40, 40), 255)
    image.paste(0, (0, 0, 20, 20))
    return _png(image)


@pytest.mark.parametrize("count", [2, 4, 5, 25, 200])
def test_a_group_of_any_size_wraps_onto_rows_with_positive_shares(count):
    qr = _source(b"", (400, 400))
    group = place([qr] * count, MEASURE, HEIGHT)
    row = place([qr] * min(count, GROUP_ROW), MEASURE, HEIGHT)
    assert len(group) == count
    assert {p.share for p in group} == {row[0].share}
    assert all(p.share > 0 and p.width_mm > 0 and p.dpi > 0 for p in group)
    assert sum(p.share for p in group[:GROUP_ROW]) < 1


def _entry(key_source: Source, width: int) -> Path:
    import hashlib

    key = cache.cache_key(key_source.digest, "print", str(width), hashlib.sha256(b"").hexdigest())
    return cache.cache_dir() / key


@pytest.mark.parametrize("spoil", ["empty", "truncated", "planted", "planted-with-header"])
def test_a_spoiled_cache_entry_is_a_miss_and_is_rewritten(spoil):
    from PIL import Image

    source = _source(_qr_png(), (40, 40))
    genuine = prepare(source, 40, "print")
    entry = _entry(source, 40)
    stored = entry.read_bytes()
    other = _png(Image.new("L", (40, 40), 128))
    entry.write_bytes({"empty": b"", "truncated": stored[:-30], "planted": other,
                       "planted-with-header": cache.MAGIC + os.urandom(32) + other}[spoil])
    assert prepare(source, 40, "print") == genuine
    assert entry.read_bytes() == stored


def test_a_cache_entry_with_exif_is_not_trusted():
    from PIL import Image

    source = _source(_qr_png(), (40, 40))
    genuine = prepare(source, 40, "print")
    exif = Image.Exif()
    exif[0x010F] = "planted"
    buffer = io.BytesIO()
    Image.new("L", (40, 40), 0).save(buffer, "PNG", exif=exif)
    cache.store(_entry(source, 40).name, buffer.getvalue())
    assert prepare(source, 40, "print") == genuine


def test_a_linked_cache_entry_is_never_followed(tmp_path):
    source = _source(_qr_png(), (40, 40))
    entry = _entry(source, 40)
    entry.parent.mkdir(parents=True)
    target = tmp_path / "elsewhere.png"
    target.write_bytes(b"kept")
    entry.symlink_to(target)
    assert cache.load(entry.name) is None
    prepare(source, 40, "print")
    assert not entry.is_symlink() and entry.is_file() and target.read_bytes() == b"kept"
    os.unlink(entry)
    entry.symlink_to("/dev/zero")
    assert cache.load(entry.name) is None


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG declaring ``width``×``height`` grey pixels, with one tiny IDAT: a bomb's header."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [13000, 30000])
def test_a_picture_of_too_many_pixels_is_refused_by_its_size(tmp_path, side):
    (tmp_path / "bomb.png").write_bytes(_png_header_only(side, side))
    picture = Picture(source="bomb.png", caption="", line=5)
    with pytest.raises(SourceError) as caught:
        read_source(picture, Origin("01.txt", 3), str(tmp_path))
    error = caught.value
    assert side * side > MAX_PIXELS
    assert f"{side * side // 10000} 万像素" in error.message and "缩小" in error.message
    assert "损坏" not in error.message and (error.path, error.line) == (Path("01.txt"), 5)


def test_a_large_photo_is_decoded_reduced_to_its_printed_width():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (20, 120, 200)).save(buffer, "JPEG", quality=70)
    prepared = prepare(_source(buffer.getvalue(), (4000, 3000), "JPEG"), 450, "print")
    assert prepared.size == (450, 338)


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_sixteen_bit_grey_keeps_its_tones(fmt):
    from PIL import Image

    image = Image.new("I;16", (64, 8))
    for x in range(64):
        for y in range(8):
            image.putpixel((x, y), x * 1024)  # a ramp from black to near white
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    prepared = prepare(_source(buffer.getvalue(), (64, 8), fmt), 64, "print")
    with Image.open(io.BytesIO(prepared.data)) as out:
        grey = out.convert("L")
        assert grey.getpixel((0, 0)) == 0
        assert grey.getpixel((32, 0)) == pytest.approx(32 * 1024 / 257, abs=1)
        assert grey.getpixel((63, 0)) == pytest.approx(63 * 1024 / 257, abs=1)
