"""The GPS warning (typeset/check/pictures.py) names only photos that record a place: phones
with location off (common in Word issues' pasted photos) write an empty block or zeros."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from typeset.check.pictures import GPS_IFD, has_location


def _jpeg(gps: dict) -> bytes:
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD).update(gps)
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.parametrize("gps, located", [
    ({1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 10.0, 0.0)}, True),
    ({2: (0.0, 0.0, 30.5)}, True),
    ({0: b"\x02\x02\x00\x00"}, False),  # only the GPS version
    ({1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)}, False),  # zeros: location off
    ({}, False),
])
def test_only_a_recorded_position_counts(gps, located):
    assert has_location(_jpeg(gps)) is located
