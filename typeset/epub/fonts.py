"""Embedded fonts: for each role (body 宋, heading 黑, 楷 lead sentences) a subset of the style's
first font holding only the characters the EPUB sets in that role. Subsetting is HarfBuzz's
(``uharfbuzz``: milliseconds, not fontTools' seconds)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from lxml import etree

from typeset.epub.documents import XHTML_NS, Document
from typeset.fontconfig import find_font

LOGGER = logging.getLogger("typeset.epub")
# The family names the stylesheet (styles/<style>/epub.css.j2) lists first, and their weights.
FAMILIES = {"body": "Typeset Body", "heading": "Typeset Heading", "kai": "Typeset Kai"}
WEIGHTS = {"body": "regular", "heading": "regular", "kai": "bold"}
HEADINGS = {f"{{{XHTML_NS}}}h{level}" for level in range(1, 7)} | {f"{{{XHTML_NS}}}nav"}
_SKIPPED = {f"{{{XHTML_NS}}}head"}
_ALWAYS = " "


@dataclass(frozen=True)
class FontFile:
    role: str
    family: str
    weight: str
    file_name: str  # inside the EPUB, e.g. fonts/body.otf
    media_type: str
    data: bytes
    missing: str  # characters of the role the font lacks


def role_of(element: etree._Element) -> str:
    """The font role of text directly inside ``element`` (mirrors epub.css.j2)."""
    for node in [element, *element.iterancestors()]:
        if {"lead", "caption"} & set((node.get("class") or "").split()):
            return "kai"
        if node.tag in HEADINGS:
            return "heading"
    return "body"


def role_characters(documents: list[Document]) -> dict[str, set[str]]:
    """Every character each role sets, over all documents' bodies (generated labels included)."""
    chars: dict[str, set[str]] = {role: set(_ALWAYS) for role in FAMILIES}
    for doc in documents:
        for element in doc.tree.getroot().iter():
            if not isinstance(element.tag, str) or any(a.tag in _SKIPPED for a in element.iterancestors()):
                continue
            if element.tag in _SKIPPED:
                continue
            if element.text:
                chars[role_of(element)].update(element.text)
            parent = element.getparent()
            if element.tail and parent is not None and parent.tag not in _SKIPPED:
                chars[role_of(parent)].update(element.tail)
    return {role: {ch for ch in found if ch == " " or not ch.isspace()} for role, found in chars.items()}


def subset(path: str, index: int, characters: set[str]) -> tuple[bytes, set[int]]:
    """The subset font's bytes and the code points it maps."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(path), index)
    available = set(face.unicodes)
    wanted = {ord(ch) for ch in characters}
    request = hb.SubsetInput()
    for code in sorted(wanted & available):
        request.unicode_set.add(code)
    request.flags |= hb.SubsetFlags.NO_LAYOUT_CLOSURE
    result = hb.subset(face, request)
    if result is None:
        raise RuntimeError(f"HarfBuzz could not subset {path}")
    return result.blob.data, wanted & available


def embed(style, characters: dict[str, set[str]]) -> list[FontFile]:
    """Subset each role's first font to its characters; a role whose font is missing is skipped."""
    fonts = []
    for role, family_name in FAMILIES.items():
        if not characters.get(role) - set(_ALWAYS):
            continue
        wanted_family = style.fonts(role)[0]
        found = find_font(wanted_family, WEIGHTS[role])
        if found is None:
            LOGGER.warning("找不到字体“%s”，EPUB 中不嵌入%s字体（阅读器将用自带字体）。", wanted_family, _ROLE_NAMES[role])
            continue
        data, covered = subset(*found, characters[role])
        is_cff = data[:4] == b"OTTO"
        missing = "".join(sorted(ch for ch in characters[role] if ord(ch) not in covered))
        if missing:
            LOGGER.info("字体“%s”缺少 %d 个字符：%s", wanted_family, len(missing), missing)
        fonts.append(FontFile(
            role, family_name, WEIGHTS[role], f"fonts/{role}.{'otf' if is_cff else 'ttf'}",
            "font/otf" if is_cff else "font/ttf", data, missing,
        ))
    return fonts


_ROLE_NAMES = {"body": "正文（宋体）", "heading": "标题（黑体）", "kai": "导语（楷体）"}


def font_face_css(fonts: list[FontFile]) -> str:
    """@font-face rules for the embedded subsets (paths relative to style.css)."""
    rules = []
    for font in fonts:
        weight = "bold" if font.weight == "bold" else "normal"
        fmt = "opentype" if font.media_type == "font/otf" else "truetype"
        rules.append(
            f'@font-face {{ font-family: "{font.family}"; font-style: normal; font-weight: {weight}; '
            f'src: url("{font.file_name}") format("{fmt}"); }}'
        )
    return "\n".join(rules) + "\n"
