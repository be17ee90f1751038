"""The golden HTML master of the bundled sample issue."""

from pathlib import Path

from typeset import __version__, provenance
from typeset.render import render_master
from typeset.sources import load

GOLDEN = Path(__file__).with_name("sample.html")


def render_sample() -> str:
    """The master with the generator's library versions left out: they record the machine that
    built it (tests/test_pins.py checks them), not what the templates made."""
    html = render_master(load().bulletin).html
    return html.replace(provenance.generator_version(), f"huikan {__version__}")
