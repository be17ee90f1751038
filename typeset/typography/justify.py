"""Inter-character justification of CJK text for WeasyPrint 70.0.

WeasyPrint justifies a line by widening its U+0020/U+00A0 spaces only
(``layout/inline.py: justify_line``), so a justified line of Chinese, which has
no spaces, stays ragged.  This module replaces ``justify_line`` with one that
also spreads the slack between characters, the way CSS Text 3 describes
``text-justify: inter-character``:

* every CJK character (Han, kana, Hangul, full-width punctuation, curly
  quotes) and every space is a *justification opportunity* of weight 1;
  Latin letters, digits, dashes and ellipses have weight 0;
* the stretch is given to Pango as a letter-spacing attribute on the
  character.  Pango puts half of a character's letter spacing before it and
  half after it, so a CJK|CJK gap gets the full stretch ``S``, a CJK|Latin gap
  ``S/2`` and the inside of a Latin word nothing;
* Pango drops the outer half at the first and last glyph of a layout.  A line
  made of several text boxes (one layout each) gets these lost halves back as
  a horizontal shift of the following box, so that the gaps at box boundaries
  match the gaps inside a box; the halves at the line's two ends stay dropped;
* the stretch between CJK characters is capped at ``MAX_STRETCH_EM``: beyond
  ~0.1-0.15 em ``pdftotext`` starts to read the gaps as spaces, which would put
  spaces into copied and searched text.  Slack beyond the cap goes to real
  spaces when the line has some, else the line stays short (counted in
  :data:`STATS`).

The letter spacing must survive ``Layout.deactivate()`` (the Pango objects are
thrown away after layout and rebuilt at draw time by ``Layout.reactivate()``),
so the justified boxes get a :class:`InterCharacterLayout`: a ``Layout`` that
keeps the per-class stretch and re-derives the attributes from its own text
whenever ``set_text(..., justify=True)`` runs.

The PDF writer rounds each glyph position adjustment down to a whole 1/1000 em
(``draw/text.py``: ``int(kerning)``), which leaves justified lines up to
~0.4 pt short.  :func:`install` also rebuilds ``draw_first_line`` from its own
source with that single expression replaced by a value rounded to 1/100000 em.

Line-end adjustment (clreq 行尾点号): with ``--line-end: half`` on the paragraph
(``[type] line_end`` in style.toml), a justified line ending in a full-width closing or
middle mark is stretched to the measure plus half an em, so that the mark's blank half hangs
past the right edge and its ink ends flush with the other lines.

Everything is checked against the WeasyPrint and Pango versions this was
written for: :func:`install` refuses any other WeasyPrint release.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import threading
from dataclasses import dataclass

from typeset.errors import EnvironmentProblem
from typeset.typography.spacing import CJK, LATIN, NONE, SPACE, analyse, latin_letters, split_spacing, weights  # noqa: F401
from typeset.typography.spacing import PANGO_SCALE as _PANGO_SCALE

#: The WeasyPrint release whose internals this module extends.
WEASYPRINT_VERSION = "70.0"
#: Pango 1.44 is the first release with the letter-spacing behaviour relied on.
MIN_PANGO_VERSION = 14400

#: Largest stretch between two CJK characters, in em of the paragraph's font.
MAX_STRETCH_EM = 0.09
#: Beyond the CJK cap, a space opens by at most this much (with its own ~0.28 em: a gap of
#: half an em) before the Latin letters of the line are letter-spaced ...
MAX_SPACE_STRETCH_EM = 0.2
#: ... by at most this much each (below pdftotext's 0.1 em word-break threshold).
MAX_LATIN_STRETCH_EM = 0.06

# The single expression of ``draw_first_line`` that the PDF precision fix
# replaces, and its replacement (two decimals of 1/1000 em instead of none).
_KERNING_SOURCE = "string += f'>{int(kerning)}<'"
_KERNING_PRECISE = "string += f'>{round(kerning, 2):g}<'"



def _make_layout_class():
    from weasyprint.text.ffi import TO_UNITS, ffi, pango
    from weasyprint.text.line_break import Layout

    class InterCharacterLayout(Layout):
        """A ``Layout`` whose justified text is stretched between characters.

        ``cjk_spacing`` and ``space_spacing`` (CSS px) are kept on the object:
        the Pango attributes are rebuilt from them and the text each time the
        layout is re-activated for drawing."""

        cjk_spacing = 0.0
        space_spacing = 0.0
        latin_spacing = 0.0

        @classmethod
        def from_layout(cls, layout, cjk_spacing, space_spacing, latin_spacing=0.0):
            """A copy of a deactivated ``layout`` (no Pango objects to share)."""
            new = cls.__new__(cls)
            new.__dict__.update(layout.__dict__)
            new.cjk_spacing = cjk_spacing
            new.space_spacing = space_spacing
            new.latin_spacing = latin_spacing
            return new

        def set_text(self, text, justify=False):
            super().set_text(text, justify=justify)
            if not (justify and self.text):
                return
            runs, _ = analyse(self.text)
            units = {CJK: round(self.cjk_spacing * TO_UNITS), SPACE: round(self.space_spacing * TO_UNITS),
                     LATIN: round(self.latin_spacing * TO_UNITS)}
            if not runs:
                return
            attr_list = pango.pango_layout_get_attributes(self.layout)
            if attr_list == ffi.NULL:
                attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
            base = self._base_spacing()
            for start, end, cls, _ in runs:
                attr = pango.pango_attr_letter_spacing_new(units[cls] + base(start, end))
                attr.start_index, attr.end_index = start, end
                pango.pango_attr_list_change(attr_list, attr)
            pango.pango_layout_set_attributes(self.layout, attr_list)

        def get_first_line(self):
            first_line, index = super().get_first_line()
            if self.cjk_spacing or self.space_spacing:
                _fold_offsets(first_line)
            return first_line, index

        def _base_spacing(self):
            """The CSS letter/word spacing WeasyPrint already put on a byte range."""
            letter = self.style["letter_spacing"]
            letter = 0 if letter == "normal" else int(letter * TO_UNITS)
            word = self.style["word_spacing"]
            if not (letter or word):
                return lambda start, end: 0
            encoded = self.text.encode()
            last = len(encoded) - 1

            def base(start, end):
                if word and encoded[start:start + 1] in (b" ", b"\xc2"):
                    factor = 1 + (start in (0, last) or end - 1 == last)
                    return factor * int(word * TO_UNITS + letter)
                return letter

            return base

    def _fold_offsets(line):
        """Move each glyph's x offset into the advance of the glyph before it.

        Pango puts half of a letter spacing into the x offset of the glyph that
        follows the gap; the PDF writer then writes that offset as one more
        number per glyph.  Adding it to the previous advance instead leaves
        every glyph exactly where it was and halves the numbers written."""
        previous = None
        run = line.runs
        while run != ffi.NULL:
            glyphs = ffi.cast("PangoGlyphItem *", run.data).glyphs
            infos = glyphs.glyphs
            for i in range(glyphs.num_glyphs):
                geometry = infos[i].geometry
                offset = geometry.x_offset
                if offset and previous is not None:
                    previous.width += offset
                    geometry.width -= offset
                    geometry.x_offset = 0
                previous = geometry
            run = run.next

    return InterCharacterLayout


# --------------------------------------------------------------------------
# Justification
# --------------------------------------------------------------------------

@dataclass
class JustifyStats:
    """Counters of the lines justified since the last :meth:`reset`."""

    lines: int = 0      # lines justified between characters
    capped: int = 0     # lines left short because the stretch hit MAX_STRETCH_EM
    fallback: int = 0   # lines handed to WeasyPrint's own justification

    def reset(self) -> None:
        self.lines = self.capped = self.fallback = 0


STATS = JustifyStats()


class _Walk:
    """State of one pass over a line's leaves, in visual order."""

    __slots__ = ("cjk_px", "space_px", "latin_px", "cjk_units", "space_units", "latin_units", "pending",
                 "layout_class", "context")

    def __init__(self, context, cjk_px, space_px, layout_class, latin_px=0.0):
        self.context = context
        self.cjk_px = cjk_px
        self.space_px = space_px
        self.latin_px = latin_px
        self.cjk_units = round(cjk_px * _PANGO_SCALE)
        self.space_units = round(space_px * _PANGO_SCALE)
        self.latin_units = round(latin_px * _PANGO_SCALE)
        self.pending = None  # spacing lost after the previous leaf (units); None at line start
        self.layout_class = layout_class


def _leaves(box, boxes):
    """Text boxes and atomic inline boxes of a line, in order (None: give up)."""
    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        if box.style["direction"] == "rtl":
            yield None
            return
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _leaves(child, boxes)
    else:
        yield box


def _opportunities(line, boxes):
    """(CJK weight, space weight, Latin weight) of a line, outer halves at its ends removed;
    None when the line can't be handled (right-to-left)."""
    cjk = spaces = latin = 0.0
    first = last = None
    for leaf in _leaves(line, boxes):
        if leaf is None:
            return None
        if isinstance(leaf, boxes.TextBox):
            if not leaf.text:
                continue
            box_cjk, box_spaces, box_first, box_last = weights(leaf.text)
            cjk += box_cjk
            spaces += box_spaces
            latin += latin_letters(leaf.text)
            if first is None:
                first = box_first
            last = box_last
        else:
            first = NONE if first is None else first
            last = NONE
    for edge in (first, last):
        if edge == CJK:
            cjk -= 0.5
        elif edge == SPACE:
            spaces -= 0.5
        elif edge == LATIN:
            latin -= 0.5
    return cjk, spaces, latin


def _spread(box, walk, boxes, x_advance):
    """Move and widen ``box`` and its descendants; return the new x advance."""
    if isinstance(box, boxes.TextBox):
        if not box.text:
            box.position_x += x_advance
            return x_advance
        cjk, spaces, first, last = weights(box.text)
        latin = latin_letters(box.text)
        units = {NONE: 0, CJK: walk.cjk_units, SPACE: walk.space_units, LATIN: walk.latin_units}
        first_left = split_spacing(units[first])[0]
        last_right = split_spacing(units[last])[1]
        if walk.pending is not None:
            x_advance += (walk.pending + first_left) / _PANGO_SCALE
        walk.pending = last_right
        box.position_x += x_advance
        total = cjk * walk.cjk_units + spaces * walk.space_units + latin * walk.latin_units
        if not total:
            return x_advance
        layout = box.pango_layout
        if getattr(layout, "text", None) != box.text or hasattr(layout, "layout"):
            # Not the deactivated layout of this very text: make one.
            from weasyprint.text.line_break import create_layout
            layout = create_layout(box.text, box.style, walk.context, None, 0)
            layout.deactivate()
        box.pango_layout = walk.layout_class.from_layout(layout, walk.cjk_px, walk.space_px, walk.latin_px)
        extra = (total - first_left - last_right) / _PANGO_SCALE
        box.width += extra
        return x_advance + extra
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _spread(child, walk, boxes, x_advance)
        box.width += x_advance - before
        return x_advance
    # Atomic inline-level box: a neighbour of weight 0.
    if walk.pending is not None:
        x_advance += walk.pending / _PANGO_SCALE
    walk.pending = 0
    box.translate(x_advance, 0)
    return x_advance


def stretches(extra: float, cjk: float, spaces: float, latin: float, size: float) -> tuple[float, float, float]:
    """(CJK, space, Latin) stretch of a line that is ``extra`` short: between CJK characters up
    to ``MAX_STRETCH_EM``, then the spaces up to ``MAX_SPACE_STRETCH_EM``, then the Latin
    letters up to ``MAX_LATIN_STRETCH_EM``, then the spaces again (a line of few spaces and
    long words; with no spaces the line stays short)."""
    stretch = extra / (cjk + spaces)
    if stretch <= MAX_STRETCH_EM * size:
        return stretch, stretch, 0.0
    stretch = MAX_STRETCH_EM * size
    rest = extra - stretch * cjk
    space = min(rest / spaces, MAX_SPACE_STRETCH_EM * size) if spaces > 0 else 0.0
    letters = min((rest - space * spaces) / latin, MAX_LATIN_STRETCH_EM * size) if latin > 0 else 0.0
    if spaces > 0:
        space = (rest - letters * latin) / spaces
    return stretch, space, letters


#: Full-width marks with a blank right half (closing and middle marks, Chinese style).
LINE_END_MARKS = frozenset("，。、；：？！）］｝】》〉」』〕〗〙〛”’")
_INVISIBLE = "\u2060\u200b"


def line_end_setting(style) -> str:
    """The ``--line-end`` custom property (``half`` or ``full``; print.css.j2 sets it from the
    style's ``[type] line_end``)."""
    try:
        value = style["__line_end"]
    except KeyError:
        return "full"
    token = value[0] if value else None
    return getattr(token, "value", "full")


def _hangs(line, boxes) -> bool:
    """The line ends with a full-width mark whose blank half the style trims (hangs)."""
    if line_end_setting(line.style) != "half":
        return False
    texts = [leaf.text for leaf in _leaves(line, boxes) if isinstance(leaf, boxes.TextBox) and leaf.text]
    last = texts[-1].rstrip(_INVISIBLE) if texts else ""
    return bool(last) and last[-1] in LINE_END_MARKS


def _make_justify_line(stock_justify_line):
    from weasyprint.formatting_structure import boxes

    layout_class = _make_layout_class()

    def justify_line(context, line, extra_width):
        """Spread ``extra_width`` between the characters and spaces of ``line`` (plus the blank
        half of a full-width mark ending it, when the style hangs it: ``--line-end: half``)."""
        weights = _opportunities(line, boxes)
        if weights is not None and weights[0] > 0 and _hangs(line, boxes):
            extra_width += line.style["font_size"] / 2
        if weights is None or extra_width <= 0 or sum(weights) <= 0 or weights[0] <= 0:
            # Right-to-left, nothing to stretch, or no CJK: WeasyPrint's own way.
            with _LOCK:
                STATS.fallback += 1
            return stock_justify_line(context, line, extra_width)
        cjk, spaces, latin = weights
        stretch, space_stretch, latin_stretch = stretches(extra_width, cjk, spaces, latin, line.style["font_size"])
        with _LOCK:
            STATS.lines += 1
            STATS.capped += stretch * cjk + space_stretch * spaces + latin_stretch * latin < extra_width - 0.01
        _spread(line, _Walk(context, stretch, space_stretch, layout_class, latin_stretch), boxes, 0)

    justify_line.stock = stock_justify_line
    return justify_line


def _make_text_align(stock_text_align, inline):
    """``text_align`` that also justifies a line filling the measure exactly when it ends in a
    mark to hang (WeasyPrint leaves a full line alone)."""
    from weasyprint.formatting_structure import boxes

    def text_align(context, line, available_width, last):
        if (not last and line.width >= available_width and line.style["text_align_all"] == "justify"
                and _hangs(line, boxes)):
            inline.justify_line(context, line, available_width - line.width)
            return 0
        return stock_text_align(context, line, available_width, last)

    text_align.stock = stock_text_align
    return text_align


# --------------------------------------------------------------------------
# Installation
# --------------------------------------------------------------------------

_LOCK = threading.Lock()
_ORIGINALS: dict[str, object] = {}


def check_versions() -> None:
    """Raise :class:`EnvironmentProblem` unless WeasyPrint and Pango are the ones supported."""
    import weasyprint
    from weasyprint.text.ffi import pango

    if weasyprint.__version__ != WEASYPRINT_VERSION:
        raise EnvironmentProblem(
            f"中文排版扩展只适用于 WeasyPrint {WEASYPRINT_VERSION}，当前安装的是 {weasyprint.__version__}："
            f"请安装 weasyprint=={WEASYPRINT_VERSION}（make demo 会装好）。")
    version = pango.pango_version()
    if version < MIN_PANGO_VERSION:
        major, minor = divmod(version // 100, 100)
        raise EnvironmentProblem(
            f"中文排版扩展需要 Pango 1.44 或更新版本，当前是 {major}.{minor}：请安装 Debian 12 的 libpango-1.0-0。")


def _precise_draw_first_line(module):
    """``draw_first_line`` recompiled with glyph adjustments kept to 1/100000 em."""
    original = module.draw_first_line
    source = textwrap.dedent(inspect.getsource(original))
    if source.count(_KERNING_SOURCE) != 1:
        raise EnvironmentProblem(
            "中文排版扩展无法识别 WeasyPrint 的 draw_first_line 源码（版本不符？）：请重新安装 weasyprint==70.0。")
    tree = ast.parse(source.replace(_KERNING_SOURCE, _KERNING_PRECISE))
    ast.increment_lineno(tree, original.__code__.co_firstlineno - 1)
    code = compile(tree, inspect.getsourcefile(original), "exec")
    namespace: dict = {}
    exec(code, module.__dict__, namespace)  # noqa: S102 - WeasyPrint's own source, one expression changed
    function = namespace["draw_first_line"]
    function.__doc__ = original.__doc__
    function.__wrapped__ = original
    return function


def install() -> None:
    """Install the extension into WeasyPrint (idempotent, thread-safe)."""
    with _LOCK:
        if _ORIGINALS:
            return
        check_versions()
        from weasyprint.draw import text as draw_text
        from weasyprint.layout import inline

        precise = _precise_draw_first_line(draw_text)
        justify_line = _make_justify_line(inline.justify_line)
        text_align = _make_text_align(inline.text_align, inline)
        _ORIGINALS["justify_line"] = inline.justify_line
        _ORIGINALS["text_align"] = inline.text_align
        _ORIGINALS["draw_first_line"] = draw_text.draw_first_line
        inline.justify_line = justify_line
        inline.text_align = text_align
        draw_text.draw_first_line = precise


def uninstall() -> None:
    """Give WeasyPrint its own functions back (for measurements and tests)."""
    with _LOCK:
        if not _ORIGINALS:
            return
        from weasyprint.draw import text as draw_text
        from weasyprint.layout import inline

        inline.justify_line = _ORIGINALS.pop("justify_line")
        inline.text_align = _ORIGINALS.pop("text_align")
        draw_text.draw_first_line = _ORIGINALS.pop("draw_first_line")


def installed() -> bool:
    return bool(_ORIGINALS)
