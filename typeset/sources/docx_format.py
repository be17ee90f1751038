"""What mammoth does not report, read from the .docx's own XML: direct formatting and numbering.

Secretaries format by hand (GB/T 9704 habits) rather than with Heading styles. Before mammoth
reads a document, ``annotate`` rewrites its body so that mammoth sees what a reader sees:

- Word's automatic numbering is written into the paragraph's text as Word shows it (``一、``
  ``（一）`` ``1.`` ``①``), so the text conventions recognise it like typed numbering;
- a short centred paragraph set clearly larger than the body (≥ 1.2×) or in a title face
  (小标宋、标宋、黑体、中宋 …) at least at body size → the article title (``huikan-title``);
- a short 黑体 or bold paragraph opening ``一、`` → sub-heading; a 楷体 or bold one opening
  ``（一）`` → one level below;
- 发文字号 (``〔2026〕12号``), dates and 印发 lines are never titles.

Sizes, fonts, bold and alignment come from the run, else the paragraph's style chain, else the
document defaults. The body size is the size most characters are set in.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from typeset.sources.docx_numbering import W, read_numbering

TITLE_STYLE, HEADING_STYLES = "huikan-title", {1: "huikan-heading-1", 2: "huikan-heading-2"}
CONTINUED_STYLE = "huikan-title-continued"
TITLE_FACES = ("小标宋", "标宋", "黑体", "中宋", "SimHei", "Heiti", "XBS")
HEADING_FACES = {1: ("黑体", "SimHei", "Heiti"), 2: ("楷体", "楷", "KaiTi", "Kai")}
TITLE_MAX_CHARS = 50
HEADING_MAX_CHARS = 40
LARGER = 1.2
DOC_NUMBER = re.compile(r"^[\w\u3400-\u9fff]{0,12}[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*\d{1,4}\s*号$")
_NOT_TITLE = re.compile(r"(?:印发|印制)$|^\d{4}\s*年\s*\d{1,2}\s*月|^[（(].*[）)]$|[。；，：]$"
                        r"|^(?:图|表|附表|附图)\s*[0-9０-９一二三四五六七八九十]|^附\s*件")
_HEADING = {1: re.compile(r"^[一二三四五六七八九十]+、"), 2: re.compile(r"^[（(][一二三四五六七八九十]+[）)]")}
_DIGITS = re.compile(r"[0-9]{1,9}")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)
_NAMED = {"title", "subtitle", "标题", "副标题", "caption", "题注"}
_NAMED_PREFIXES = ("heading", "标题 ", "toc", "目录", "header", "footer", "页眉", "页脚")
_MC_CHOICE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Choice"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


@dataclass(frozen=True)
class Look:
    """How a run of text is set: size in half-points, its (East Asian) font, bold."""

    size: int = 21
    font: str = ""
    bold: bool = False

    def merged(self, rpr) -> "Look":
        if rpr is None:
            return self
        size = rpr.find(f"{W}sz")
        fonts = rpr.find(f"{W}rFonts")
        bold = rpr.find(f"{W}b")
        return Look(_int(size.get(f"{W}val")) if size is not None else self.size,
                    _font(fonts) or self.font,
                    _on(bold) if bold is not None else self.bold)


@dataclass(frozen=True)
class Para:
    """A paragraph as set: its text, alignment and the look most of its characters have."""

    text: str
    centred: bool
    look: Look
    in_table: bool


@dataclass
class Styles:
    looks: dict[str, Look]
    centred: dict[str, bool]
    numbered: dict[str, tuple[str, int]]
    default: Look
    default_para: str
    named: set[str] = field(default_factory=set)  # styles that already say what a paragraph is


def annotate(data: bytes) -> tuple[bytes, bool, int]:
    """The .docx with numbering written out and titles/headings tagged with huikan styles,
    whether the document shows any structure (a title, by style or by formatting) and how many
    note references without a note were taken out."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        body = _parse(archive, "word/document.xml")
        styles_root = _parse(archive, "word/styles.xml") if "word/styles.xml" in names else None
        numbering = read_numbering(_parse(archive, "word/numbering.xml") if "word/numbering.xml" in names else None)
        notes = {kind: _note_ids(archive, names, kind) for kind in ("footnote", "endnote")}
    if body is None:
        return data, False, 0
    dangling = _drop_dangling_references(body, notes)
    styles = _read_styles(styles_root)
    _text_boxes_in_fallback(body)
    paragraphs = list(body.iter(f"{W}p"))
    for p in paragraphs:
        _number(p, styles, numbering)
    paras = [_para(p, styles) for p in paragraphs]
    body_size = _body_size(paras, styles.default.size)
    tagged, previous = 0, None
    for p, para in zip(paragraphs, paras):
        style = "" if _style_id(p, styles) in styles.named else classify(para, body_size)
        if style == TITLE_STYLE and _continues(previous, para):
            style = CONTINUED_STYLE
        if style:
            _set_style(p, style)
            tagged += style == TITLE_STYLE
        if para.text:
            previous = para if style == TITLE_STYLE else None
    structured = tagged > 0 or _styled_titles(paragraphs, styles_root)
    if styles_root is None:  # mammoth finds styles through the package's relationships: none to extend
        return _rezip(data, {"word/document.xml": body}), structured, dangling
    return _rezip(data, {"word/document.xml": body, "word/styles.xml": _with_our_styles(styles_root)}), structured, dangling


def _note_ids(archive: zipfile.ZipFile, names: set, kind: str) -> set[str]:
    """The ids of the notes ``word/footnotes.xml`` (or endnotes) holds."""
    root = _parse(archive, f"word/{kind}s.xml") if f"word/{kind}s.xml" in names else None
    return set() if root is None else {note.get(f"{W}id", "") for note in root.iter(f"{W}{kind}")}


def _drop_dangling_references(body, notes: dict[str, set[str]]) -> int:
    """A note reference whose note the file does not hold (Word shows nothing there; mammoth
    would refuse the whole document) is taken out; how many were."""
    dropped = 0
    for kind, ids in notes.items():
        for reference in list(body.iter(f"{W}{kind}Reference")):
            if reference.get(f"{W}id", "") not in ids:
                reference.getparent().remove(reference)
                dropped += 1
    return dropped


def _continues(title: Para | None, para: Para) -> bool:
    """A title set over two paragraphs (``关于……的`` / ``通知``): the second, right after the
    first in the same look, continues it. A banner over a title (another size or face) does not."""
    return title is not None and title.look == para.look and len(title.text + para.text) <= TITLE_MAX_CHARS


def classify(para: Para, body_size: int) -> str:
    """``huikan-title``, ``huikan-heading-N`` or ``""`` for a paragraph as set."""
    text, look = para.text, para.look
    if not text or para.in_table:
        return ""
    for level, pattern in _HEADING.items():
        if pattern.match(text) and len(text) <= HEADING_MAX_CHARS and "。" not in text:
            faced = any(face in look.font for face in HEADING_FACES[level])
            return HEADING_STYLES[level] if faced or look.bold else ""
    if not para.centred or len(text) > TITLE_MAX_CHARS or DOC_NUMBER.match(text) or _NOT_TITLE.search(text):
        return ""
    larger = look.size >= body_size * LARGER
    faced = any(face in look.font for face in TITLE_FACES) and look.size >= body_size
    return TITLE_STYLE if larger or faced else ""


def _parse(archive: zipfile.ZipFile, name: str):
    try:
        return etree.fromstring(archive.read(name), _PARSER)
    except (KeyError, etree.XMLSyntaxError):
        return None


def _read_styles(root) -> Styles:
    default = Look().merged(root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr") if root is not None else None)
    styles = Styles({}, {}, {}, default, "")
    if root is None:
        return styles
    by_id = {s.get(f"{W}styleId"): s for s in root.iter(f"{W}style")}
    for style_id, style in by_id.items():
        chain = _chain(style_id, by_id)
        look, centred, numbered = default, False, None
        for s in reversed(chain):
            look = look.merged(s.find(f"{W}rPr"))
            jc = s.find(f"{W}pPr/{W}jc")
            centred = jc.get(f"{W}val") == "center" if jc is not None else centred
            numbered = _num_pr(s.find(f"{W}pPr/{W}numPr")) or numbered
        styles.looks[style_id], styles.centred[style_id] = look, centred
        if numbered:
            styles.numbered[style_id] = numbered
        if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true"):
            styles.default_para = style_id
        if _says_what(style):
            styles.named.add(style_id)
    return styles


def _says_what(style) -> bool:
    """A heading, title, subtitle, caption or contents style: its paragraphs are what it says
    (mammoth's style map reads them), never guessed from their look."""
    name = style.find(f"{W}name")
    name = (name.get(f"{W}val", "") if name is not None else "").lower()
    return name in _NAMED or name.startswith(_NAMED_PREFIXES)


def _chain(style_id: str, by_id: dict) -> list:
    chain, seen = [], set()
    while style_id in by_id and style_id not in seen and len(chain) < 20:
        seen.add(style_id)
        chain.append(by_id[style_id])
        based = by_id[style_id].find(f"{W}basedOn")
        style_id = based.get(f"{W}val") if based is not None else None
    return chain


def _num_pr(num_pr) -> tuple[str, int] | None:
    if num_pr is None:
        return None
    num_id, ilvl = num_pr.find(f"{W}numId"), num_pr.find(f"{W}ilvl")
    if num_id is None:
        return None
    return num_id.get(f"{W}val", ""), _int(ilvl.get(f"{W}val") if ilvl is not None else "0", 0)


def _style_id(p, styles: Styles) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val", "") if style is not None else styles.default_para


def _number(p, styles: Styles, numbering) -> None:
    """Write the paragraph's automatic number into its text (not for a text box's second copy)."""
    own = p.find(f"{W}pPr/{W}numPr")
    found = _num_pr(own) if own is not None else styles.numbered.get(_style_id(p, styles))
    if not found or found[0] == "0" or _in_choice(p):
        return
    label = numbering.label(*found)
    if label is None:
        return
    ppr = p.find(f"{W}pPr")
    if own is not None:
        ppr.remove(own)
    if styles.numbered.get(_style_id(p, styles)):  # the style's list switched off for mammoth
        ppr.append(etree.fromstring(f'<w:numPr xmlns:w="{W[1:-1]}"><w:numId w:val="0"/></w:numPr>'))
    if label:
        run = etree.fromstring(f'<w:r xmlns:w="{W[1:-1]}"><w:t xml:space="preserve"></w:t></w:r>')
        run[0].text = label
        p.insert(1 if ppr is not None else 0, run)


def _text_boxes_in_fallback(body) -> None:
    """mammoth reads only an ``mc:Fallback``; LibreOffice writes a text box's text only in the
    ``mc:Choice`` (DrawingML) and an empty VML shape as the fallback. Such a fallback gets a
    copy of the text box, so its text (a 版头, a notice) is read."""
    for choice in list(body.iter(_MC_CHOICE)):
        fallback = choice.getnext()
        boxes = list(choice.iter(f"{W}txbxContent"))
        if fallback is None or fallback.tag != _MC_FALLBACK or not boxes or next(fallback.iter(f"{W}txbxContent"), None) is not None:
            continue
        for child in list(fallback):
            fallback.remove(child)
        pict = etree.SubElement(fallback, f"{W}pict")
        shape = etree.SubElement(pict, "{urn:schemas-microsoft-com:vml}shape")
        textbox = etree.SubElement(shape, "{urn:schemas-microsoft-com:vml}textbox")
        for box in boxes:
            textbox.append(copy.deepcopy(box))


def _in_choice(element) -> bool:
    return any(a.tag == _MC_CHOICE for a in element.iterancestors())


def _para(p, styles: Styles) -> Para:
    style_id = _style_id(p, styles)
    base = styles.looks.get(style_id, styles.default)
    looks: Counter = Counter()
    text = []
    for run in p.iter(f"{W}r"):
        if _nested_paragraph(run, p) or any(a.tag == f"{W}del" for a in run.iterancestors()):
            continue
        piece = "".join(t.text or "" for t in run.iter(f"{W}t"))
        if piece.strip():
            looks[base.merged(run.find(f"{W}rPr"))] += len(piece.strip())
        text.append(piece)
    jc = p.find(f"{W}pPr/{W}jc")
    centred = jc.get(f"{W}val") == "center" if jc is not None else styles.centred.get(style_id, False)
    look = looks.most_common(1)[0][0] if looks else base
    in_table = any(a.tag == f"{W}tc" for a in p.iterancestors())
    return Para("".join(text).strip(" \t\u3000\u00a0"), centred, look, in_table)


def _nested_paragraph(run, p) -> bool:
    """A run of a text box inside ``p`` belongs to the text box's own paragraphs."""
    parent = run.getparent()
    while parent is not None and parent is not p:
        if parent.tag == f"{W}p":
            return True
        parent = parent.getparent()
    return False


def _body_size(paras: list[Para], default: int) -> int:
    """The size most characters of the uncentred paragraphs are set in (a short document's
    title must not outweigh its body)."""
    sizes: Counter = Counter()
    for para in paras:
        if not para.centred:
            sizes[para.look.size] += len(para.text)
    return sizes.most_common(1)[0][0] if sizes else default


def _set_style(p, style: str) -> None:
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.SubElement(p, f"{W}pPr")
        p.insert(0, ppr)
    old = ppr.find(f"{W}pStyle")
    if old is not None:
        ppr.remove(old)
    element = etree.Element(f"{W}pStyle")
    element.set(f"{W}val", style)
    ppr.insert(0, element)


def _styled_titles(paragraphs: list, styles_root) -> bool:
    """Whether a paragraph already wears a title style (标题 1, Heading 1, Title)."""
    if styles_root is None:
        return False
    names = {s.get(f"{W}styleId"): (s.find(f"{W}name").get(f"{W}val", "") if s.find(f"{W}name") is not None else "")
             for s in styles_root.iter(f"{W}style")}
    titles = {i for i, name in names.items() if name.lower() in ("heading 1", "标题 1", "title", "标题")}
    return any(p.find(f"{W}pPr/{W}pStyle") is not None and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") in titles
               for p in paragraphs)


def _with_our_styles(root):
    for style_id in (TITLE_STYLE, CONTINUED_STYLE, *HEADING_STYLES.values()):
        style = etree.SubElement(root, f"{W}style")
        style.set(f"{W}type", "paragraph")
        style.set(f"{W}styleId", style_id)
        etree.SubElement(style, f"{W}name").set(f"{W}val", style_id)
    return root


def _rezip(data: bytes, parts: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            root = parts.get(info.filename)
            if root is not None:
                target.writestr(info.filename, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
            else:
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


def _font(fonts) -> str:
    if fonts is None:
        return ""
    return fonts.get(f"{W}eastAsia") or fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi") or ""


def _on(element, attr: str = "val") -> bool:
    return element.get(f"{W}{attr}", "true") not in ("0", "false", "off")


def _int(text, default: int = 21) -> int:
    """A size or level in ASCII digits (``str.isdigit`` also takes ``²``, which ``int`` refuses)."""
    return int(text) if text and _DIGITS.fullmatch(text) else default
