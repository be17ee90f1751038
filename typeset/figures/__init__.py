"""The figures stage: every picture of the issue read once, placed by the print sizing rules
and prepared for each edition (decode, EXIF out, resize, colour, deterministic encoding),
with a content-addressed cache between builds. Writers never open an image file themselves:
the HTML master names a prepared picture by a ``figure:`` URL that the print layout's fetcher,
the EPUB and the HTML edition resolve here."""

from typeset.figures.plan import FigureSet, Placed, plan_figures
from typeset.figures.prepare import Prepared

__all__ = ["FigureSet", "Placed", "Prepared", "plan_figures"]
