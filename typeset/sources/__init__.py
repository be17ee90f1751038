"""Read stage: an issue folder (issue.toml + section files) or one bulletin text file → ``Bulletin``."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from typeset import config
from typeset.errors import SourceError, StyleError
from typeset.model import Article, Bulletin, Section, SourceFile, heading_levels_never_skip
from typeset.resources import sample_issue_dir
from typeset.sources.confine import Confinement, confined, inside, read_inside, same_file
from typeset.sources.decode import decode
from typeset.sources.docx import OTHER_FORMATS, other_format_message, read_docx
from typeset.sources.docx_convert import actual_format, converter, to_docx
from typeset.sources.docx_limits import MAX_DEPTH, check_limits
from typeset.sources.docx_notes import attach, numbered
from typeset.sources.text import BLANKS, read_articles, read_lines

__all__ = ["Loaded", "load", "read_source_file", "section_title"]

MAX_SOURCE_BYTES = 50 * 1024 * 1024
# In a section's name (it becomes the section's title and the attachment's name): C0/C1
# controls (ESC starts a terminal sequence, U+000B/U+000C break lines), DEL, bidi controls.
UNSEEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Loaded:
    bulletin: Bulletin
    notes: tuple[str, ...] = ()  # what was assumed, for the editor to read
    style: Any = None  # the issue's style when reading it already loaded it (checked at its line)


def load(source: Path | None = None, options: dict[str, Any] | None = None) -> Loaded:
    """Read an issue. ``options`` are command-line metadata; ``None`` values mean "not given"."""
    options = options or {}
    path = Path(source) if source is not None else sample_issue_dir()
    if not path.exists():
        raise SourceError("找不到这个文件或文件夹，请检查路径。", path)
    if path.is_dir():
        return _load_folder(path, options)
    return _load_text_file(path, options)


def read_section(path: Path, root: Path) -> tuple[SourceFile, tuple[Article, ...]]:
    """A section file (.txt or .docx) as read, and its articles."""
    src = read_source_file(path, root)
    if src.encoding != "docx":
        return src, read_articles(src.text, src.name)
    suffix = actual_format(src.raw, path.suffix.lower())
    if suffix in OTHER_FORMATS and converter() is None:  # a .doc renamed .docx, without LibreOffice
        raise SourceError(other_format_message(suffix), path)
    data = to_docx(src.raw, suffix, src.name) if suffix in OTHER_FORMATS else src.raw  # the original is kept
    check_limits(data, src.name)  # what would exhaust the Word reader's recursion, time or memory
    try:
        lines, text, notices, notes = read_docx(data, src.name)
    except RecursionError:  # a nesting the limits did not foresee: still the file's, not ours
        raise SourceError(f"Word 文件的内容嵌套太深，无法读取（上限 {MAX_DEPTH} 层）：请在 Word 中取消多余的嵌套后另存为 .docx。", path) from None
    return replace(src, text=text, notices=notices), attach(read_lines(lines, src.name), notes)


def read_source_file(path: Path, root: Path) -> SourceFile:
    if path.suffix.lower() in OTHER_FORMATS and converter() is None:
        raise SourceError(other_format_message(path.suffix.lower()), path)
    unseen = UNSEEN.search(path.name)
    if unseen:
        raise SourceError(f"文件名中有看不见的控制字符（U+{ord(unseen.group()):04X}），会被印进版面和 PDF：请给文件重新命名。", path)
    try:
        data = read_inside(path, root, MAX_SOURCE_BYTES)
    except Confinement as exc:
        if exc.kind == "large":
            raise SourceError(f"文件过大（超过 {MAX_SOURCE_BYTES // 1048576} MB），不像是会刊文本。", path) from None
        raise
    name = _relative_name(path, root) if inside(path, root) else path.name
    if path.suffix.lower() in (".docx", *OTHER_FORMATS):  # its text comes from the Word reader (read_section)
        return SourceFile(name=name, path=str(path), text="", encoding="docx", raw=data)
    text, encoding = decode(data, path)
    if not text.strip(BLANKS + "\r\n"):
        raise SourceError("文件是空的（只有空白），请放入会刊正文。", path)
    return SourceFile(name=name, path=str(path), text=text, encoding=encoding, raw=data)


def _relative_name(path: Path, root: Path) -> str:
    """The name the editor gave, relative to the folder: a link keeps its own name (and the
    section title that comes from it), not its target's."""
    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()


def section_title(file_name: str) -> str:
    """``01-工作交流.txt`` → ``工作交流``; a name without Chinese (``000_ba50….txt``) → ``""``."""
    stem = Path(file_name).stem
    title = re.sub(r"^[0-9]+[-_ .、]*", "", stem).strip()
    return title if re.search(r"[\u3400-\u9fff]", title) else ""


def _load_folder(folder: Path, options: dict[str, Any]) -> Loaded:
    toml_path = folder / config.ISSUE_FILE
    if not toml_path.is_file():
        raise SourceError("文件夹中没有 issue.toml。可用 “huikan new 文件夹” 新建一期。", folder)
    confined(toml_path, folder)
    values = config.load_issue_toml(toml_path)
    files = _section_files(folder, values.pop("sections", None), toml_path)
    read = [read_section(path, folder) for path in files]
    sources = tuple(src for src, _ in read)
    sections = tuple(Section(title=section_title(src.name), articles=articles, file=src.name) for src, articles in read)
    merged = config.merge(config.DEFAULTS, values, options)
    config.check_values(merged, toml_path, options)
    meta = config.make_meta(merged)
    _check_cover(folder, meta.cover, toml_path)
    style = _check_style(folder, meta.style, toml_path) if options.get("style") is None else None
    toml_source = read_source_file(toml_path, folder)
    bulletin = Bulletin(meta, number_nodes(sections), sources + (toml_source,), root=str(folder.resolve()))
    return Loaded(bulletin, style=style)


def _check_cover(folder: Path, cover: str | None, toml_path: Path) -> None:
    if cover is None:
        return
    if not inside(folder / cover, folder) or not (folder / cover).is_file():
        line = config.key_line(config.toml_text(toml_path), "cover")
        raise SourceError(f"封面图片“{cover}”不存在（须放在本期文件夹中）。请检查文件名或删去 cover 这一行。", toml_path, line)


def _check_style(folder: Path, style: str, toml_path: Path):
    """The style named in issue.toml; an unknown one is reported at its line, not later by the
    renderer."""
    from typeset.styles import load_style

    try:
        return load_style(style, folder.resolve())
    except StyleError as exc:
        line = config.key_line(config.toml_text(toml_path), "style")
        raise StyleError(exc.message, toml_path, line) from None


def _section_files(folder: Path, listed: list[Any] | None, toml_path: Path) -> list[Path]:
    if listed is not None:
        return _listed_sections(folder, listed, toml_path)
    files = sorted(p for p in folder.iterdir() if _is_section_file(p))
    files = _with_converted(folder, files) if converter() else files
    _refuse_unread_originals(folder, files)
    if not files:
        raise SourceError("文件夹中没有栏目文件（*.txt 或 *.docx）。请按 01-栏目名.txt 的形式放入正文。", folder)
    seen: dict[Path, Path] = {}
    for path in files:
        confined(path, folder)
        earlier = same_file(path, seen)
        if earlier is not None:
            raise SourceError(f"与“{earlier.name}”是同一个文件（链接）：同一篇正文会印两次。请删去其中一个。", path)
    return files


def _with_converted(folder: Path, files: list[Path]) -> list[Path]:
    """With LibreOffice, a .doc/.wps/.rtf/.odt is a section too, unless a .txt or .docx of the
    same name was saved from it (the editor's original kept beside it)."""
    stems = {path.stem for path in files}
    others = [p for p in folder.iterdir() if _is_section_file(p, OTHER_FORMATS) and p.stem not in stems]
    return sorted(files + others)


def _refuse_unread_originals(folder: Path, files: list[Path]) -> None:
    """A .doc/.wps/.rtf/.odt section would be lost silently: refuse it, unless a section of the
    same name was saved from it (the editor's original kept beside its .txt or .docx). Two
    sections of one name (``01-工作交流.txt`` and ``01-工作交流.docx``) would print twice."""
    stems: dict[str, Path] = {}
    for path in files:
        twin = stems.setdefault(path.stem, path)
        if twin is not path:
            raise SourceError(f"与“{twin.name}”同名：同一个栏目会排两次。请只保留其中一个（另一个可移出本文件夹）。", path)
    for other in sorted(p for p in folder.iterdir() if _is_section_file(p, OTHER_FORMATS)):
        if other.stem not in stems:
            raise SourceError(other_format_message(other.suffix.lower()), other)


def _is_section_file(path: Path, suffixes: tuple[str, ...] = (".txt", ".docx")) -> bool:
    """``*.txt`` and ``*.docx`` in any case; hidden files (macOS ``._`` copies) and Word lock
    files (``~$….docx``) are not sections."""
    return path.suffix.lower() in suffixes and not path.name.startswith((".", "~")) and path.is_file()


def _listed_sections(folder: Path, listed: list[Any], toml_path: Path) -> list[Path]:
    line = config.key_line(config.toml_text(toml_path), "sections")
    if not listed:
        raise SourceError("sections 列表是空的：请列出栏目文件，或删去这一行（按文件名排序）。", toml_path, line)
    files, seen = [], {}
    for name in listed:
        path = folder / str(name)
        if not inside(path, folder):
            raise SourceError(f"栏目文件“{name}”不在本期文件夹中：只能列出本文件夹里的文件。", toml_path, line)
        if not path.is_file():
            raise SourceError(f"sections 中列出的栏目文件“{name}”不存在或不是文件。", toml_path, line)
        earlier = same_file(path, seen)
        if earlier is not None:
            raise SourceError(_listed_twice(path, earlier, folder), toml_path, line)
        files.append(path)
    return files


def _listed_twice(path: Path, earlier: Path, folder: Path) -> str:
    first, second = earlier.relative_to(folder).as_posix(), path.relative_to(folder).as_posix()
    both = f"“{first}”" if first == second else f"“{first}”和“{second}”（同一个文件）"
    return f"sections 中{both}列了两次：每个栏目文件只列一次。"


def _load_text_file(path: Path, options: dict[str, Any]) -> Loaded:
    root = path.parent
    src, articles = read_section(path, root)
    assumed = _assumed_metadata(path, options)
    merged = config.merge(config.DEFAULTS, assumed, options)
    config.check_values(merged, options=options)
    meta = config.make_meta(merged)
    sections = (Section(title="", articles=articles, file=src.name),)
    notes = tuple(f"未指定{label}，假定为：{value}" for label, value in _describe(assumed, options))
    return Loaded(Bulletin(meta, number_nodes(sections), (src,), root=str(root.resolve())), notes)


def _assumed_metadata(path: Path, options: dict[str, Any]) -> dict[str, Any]:
    date = options.get("date") or _default_date(path)
    return {"date": date, "year": date.year, "number": date.month}


def _default_date(path: Path) -> dt.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    stamp = int(epoch) if epoch and epoch.isdigit() else int(path.stat().st_mtime)
    return dt.datetime.fromtimestamp(stamp, dt.timezone.utc).date()


def _describe(assumed: dict[str, Any], options: dict[str, Any]):
    labels = {"title": "刊名", "publisher": "编印单位", "date": "出版日期", "year": "年份", "number": "期号"}
    merged = config.merge(config.DEFAULTS, assumed)
    for key, label in labels.items():
        if options.get(key) is None:
            yield label, merged[key]


def number_nodes(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """Give every section, article, news item and block a stable id (``s1``, ``a3``, ``a5-2``, ``b17``)."""
    counter = {"a": 0, "b": 0}

    def blocks(items):
        numbered = []
        for block in items:
            counter["b"] += 1
            numbered.append(replace(block, id=f"b{counter['b']}"))
        return tuple(numbered)

    def article(art: Article) -> Article:
        counter["a"] += 1
        aid = f"a{counter['a']}"
        own = blocks(heading_levels_never_skip(art.blocks))
        items = tuple(replace(it, id=f"{aid}-{k}", blocks=blocks(heading_levels_never_skip(it.blocks)))
                      for k, it in enumerate(art.items, 1))
        return numbered(replace(art, id=aid, blocks=own, items=items))

    return tuple(
        replace(sec, id=f"s{k}", articles=tuple(article(a) for a in sec.articles))
        for k, sec in enumerate(sections, 1)
    )


