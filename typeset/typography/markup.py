"""Plain text → HTML for Chinese print typesetting.

:func:`cjk` escapes a run of paragraph text and adds what the print layout
needs beyond Pango's line breaking:

* **punctuation compression** (标点挤压): of two adjacent full-width marks the
  one with its blank half between them is wrapped in ``<span class="halt">``,
  which the print CSS sets with ``font-feature-settings: "halt"`` (half-width
  glyph), so that the pair takes 1.5 em: ``”，`` ``。”`` ``）、`` ``》，``
  compress the first mark (closing marks have their blank on the right),
  ``（“`` ``《〈`` the second (opening marks have it on the left);
* **line-break rules**: U+2060 WORD JOINER (renders nothing, ``pdftotext``
  drops it) before ``·`` ``〃`` ``～`` ``——`` ``……`` so that they never
  start a line, after ``·`` so that it never ends one (Pango itself never
  splits ``——`` or ``……``); also next to every compressed mark, so
  that the span boundary never becomes a break opportunity Pango would not
  allow;
* a hyphen-minus between Han characters (``有计划-没行动``) is joined to both
  neighbours: Pango would break after it, and ``pdftotext`` then drops it;
* **no lone character** (``last=True``, a paragraph's last run): the last Han
  character is joined to the letter before it, so a paragraph's last line
  never holds a single character and its punctuation;
* **addresses and commands**: a URL or e-mail address is set in the style's Latin face
  (``span.url``) and may break only after ``/ . - _ ? & =``; a paragraph that is a command
  line (``oma install …``) is set whole in that face (``span.code``).
"""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup, escape

WORD_JOINER = "\u2060"
#: An invisible break opportunity (default-ignorable: no glyph, nothing in the text layer).
BREAK = "\u200b"

#: Full-width marks with their blank half on the right (closing and middle marks, Chinese style).
CLOSING = frozenset("，。、；：？！）］｝】》〉」』〕〗〙〛”’")
#: Full-width marks with their blank half on the left.
OPENING = frozenset("（［｛【《〈「『〔〖〘〚“‘")
#: Marks that never start a line (Pango allows it).
NO_START = frozenset("·〃～")
#: Marks that come in pairs and never split: the two-em dash and the ellipsis.
PAIRED = frozenset("—―…⋯")

#: Hyphens that Pango may break after (UAX #14 HY/BA).
HYPHENS = frozenset("-‐")

_HALT_OPEN = '<span class="halt">'
_HALT_CLOSE = "</span>"


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LN"


def _is_han(ch: str) -> bool:
    cp = ord(ch)
    return (0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF
            or 0x20000 <= cp <= 0x3FFFF or 0x3005 <= cp <= 0x3007)


def halt_marks(text: str) -> set[int]:
    """Indexes of the marks to set half width (the blank half faces the other mark)."""
    halted: set[int] = set()
    for index in range(len(text) - 1):
        first, second = text[index], text[index + 1]
        if first in CLOSING and (second in CLOSING or second in OPENING):
            halted.add(index)
        elif first in OPENING and second in OPENING:
            halted.add(index + 1)
    return halted


def joins(text: str, last: bool = False) -> set[int]:
    """Indexes ``i`` such that a word joiner goes between ``text[i-1]`` and ``text[i]``."""
    joined: set[int] = set()
    for index, ch in enumerate(text):
        if ch in NO_START:
            joined.add(index)
            if ch == "·":
                joined.add(index + 1)  # nor end a line
        elif ch in HYPHENS and _between_han(text, index):
            # 有计划-没行动: a hyphen used as a minus sign between Han characters is no
            # break opportunity (and pdftotext would de-hyphenate a line ending in it).
            joined.update((index, index + 1))
        elif ch in PAIRED and (index == 0 or text[index - 1] not in PAIRED):
            # Never start a line.  Pango never splits the pair itself (UAX #14:
            # B2 × B2, × IN), and a joiner inside it would break the font's
            # two-em-dash ligature and with it the PDF text layer.
            joined.add(index)
    for index in halt_marks(text):
        joined.add(index if text[index] in CLOSING else index + 1)
    if last:
        joined |= _last_glue(text)
    # Never at the ends of the run, nor next to a space or an existing joiner.
    return {i for i in joined if 0 < i < len(text) and not text[i - 1].isspace() and not text[i].isspace()
            and WORD_JOINER not in (text[i - 1], text[i])}


def break_points(text: str) -> set[int]:
    """Indexes ``i`` where a line may break between ``text[i-1]`` and ``text[i]`` although
    Pango's UAX #14 (LB19: no break around quotation marks) forbids it: after ``——`` or
    ``……`` before an opening mark (``话——“要么`` may break after the dash)."""
    return {i for i in range(1, len(text)) if text[i - 1] in PAIRED and text[i] in OPENING}


def _between_han(text: str, index: int) -> bool:
    return 0 < index < len(text) - 1 and _is_han(text[index - 1]) and _is_han(text[index + 1])


def _last_glue(text: str) -> set[int]:
    """Join a paragraph's last Han character to the letter before it."""
    letters = [i for i, ch in enumerate(text) if _is_letter(ch)]
    if len(letters) < 2 or not _is_han(text[letters[-1]]):
        return set()
    before, last = letters[-2], letters[-1]
    if any(ch.isspace() for ch in text[before + 1:last]):
        return set()
    return set(range(before + 1, last + 1))


#: A web address or an e-mail address inside Chinese text (trailing ASCII punctuation is the
#: sentence's, not the address's).
URL = re.compile(r"(?:https?://|ftp://|www\.)[!#-;=?-~]*[\w/=#&~+-]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)
#: Where an address may break: after these, never inside ``://``. Not after a hyphen (a word
#: joiner holds it to what follows): a line ending in "-" reads as a hyphen added to a name,
#: and poppler's text extraction then drops it (the copied address loses its hyphen).
URL_BREAK_AFTER = frozenset("/._?&=")
#: A paragraph that is a command to type: one ASCII line, a lower-case program name first.
COMMAND = re.compile(r"[a-z][\w.+-]*(?: +[\w./:=+@~%,'\"-]+)+ *", re.ASCII)


def address(url: str, joiners: bool = True) -> Markup:
    """A URL or e-mail address in the Latin face (``span.url``), with an invisible break
    opportunity after each of ``/ . - _ ? & =`` in print (none in reflowable text)."""
    if not joiners:
        return Markup(f'<span class="url">{escape(url)}</span>')
    scheme = url.find("://") + 3 if "://" in url else 0
    parts = []
    for index, ch in enumerate(url):
        parts.append(str(escape(ch)))
        if index == len(url) - 1:
            break
        if ch in URL_BREAK_AFTER and index >= scheme:
            parts.append(BREAK)
        elif ch in HYPHENS:
            parts.append(WORD_JOINER)
    return Markup(f'<span class="url">{"".join(parts)}</span>')


def cjk(text: str, last: bool = False, joiners: bool = True, latin_gap: bool = False, after: str = "") -> Markup:
    """``text`` escaped for HTML, with compression spans and word joiners.

    ``last``: the run ends its paragraph (the no-lone-character glue applies).
    ``joiners``: False for reflowable outputs (EPUB), whose text must search and copy
    exactly as written; only the compression spans are added there.
    ``latin_gap``: a quarter-em gap between Han characters and Latin words (clreq), as
    padding on a span, never a character; digits stay tight (GB practice: 2014年).
    ``after``: the text that follows the run in another element (a news item's number before
    its title): a last mark that pairs with its first character is compressed too."""
    if not text:
        return Markup("")
    text = str(text)
    if last and COMMAND.fullmatch(text):
        return Markup(f'<span class="code">{escape(text)}</span>')
    found = URL.search(text)
    if found:
        start, end = found.span()
        return Markup(cjk(text[:start], joiners=joiners, latin_gap=latin_gap) + address(found.group(), joiners)
                      + cjk(text[end:], last, joiners, latin_gap, after))
    if latin_gap and _LATIN_WORD.search(text):
        return _with_latin_gaps(text, last, joiners)
    halted = {i for i in halt_marks(text + str(after)[:1]) if i < len(text)}
    joined = joins(text, last) if joiners else set()
    breaks = break_points(text) if joiners else set()
    if not halted and not joined and not breaks:
        return escape(text)
    parts: list[str] = []
    done = 0  # text[:done] is in parts
    for index in sorted(halted | joined | breaks):  # escape the runs between marks whole
        parts.append(escape(text[done:index]))
        if index in joined:
            parts.append(WORD_JOINER)
        elif index in breaks:
            parts.append(BREAK)
        done = index
        if index in halted:
            parts.append(f"{_HALT_OPEN}{escape(text[index])}{_HALT_CLOSE}")
            done = index + 1
    parts.append(escape(text[done:]))
    return Markup("".join(parts))


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’.\-]*[A-Za-z0-9]|[A-Za-z]")


def _with_latin_gaps(text: str, last: bool, joiners: bool) -> Markup:
    """Wrap each Latin word that touches a Han character in a span padded on that side."""
    parts: list[str] = []
    position = 0
    words = list(_LATIN_WORD.finditer(text))
    for word in words:
        start, end = word.span()
        before = start > 0 and _is_han(text[start - 1])
        after = end < len(text) and _is_han(text[end])
        if not (before or after):
            continue
        parts.append(cjk(text[position:start], joiners=joiners))
        classes = " ".join(name for name, on in (("gap-before", before), ("gap-after", after)) if on)
        parts.append(f'<span class="{classes}">{escape(word.group())}</span>')
        position = end
    parts.append(cjk(text[position:], last=last, joiners=joiners))
    return Markup("".join(parts))


