"""The HTML master of the sample equals the reviewed golden copy (`make golden` regenerates it)."""

from golden.master import GOLDEN, render_sample


def test_master_matches_golden():
    assert render_sample() == GOLDEN.read_text(encoding="utf-8"), "HTML master changed: run `make golden` and review the diff"
