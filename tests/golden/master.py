"""The golden HTML master of the bundled sample issue."""

from pathlib import Path

from typeset.render import render_master
from typeset.sources import load

GOLDEN = Path(__file__).with_name("sample.html")


def render_sample() -> str:
    return render_master(load().bulletin).html
