"""``verify()``: recompute a site's manifests and re-open every PDF and EPUB in it.

Per file: missing, changed or unexpected (against ``manifest-sha256.txt``; against
``sources-sha256.txt`` too when the archive folder is given), and damaged: a PDF whose
structure or streams do not read back, a PDF that claims PDF/A without what PDF/A requires (or
an archive copy that does not claim it), an EPUB whose zip fails its checksums or whose
``mimetype`` is not the first, uncompressed entry. A damaged file is caught even where no
manifest covers it (a single file, or a folder without a manifest).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from typeset.errors import SourceError
from typeset.library.inflate import MAX_ENTRIES, Budget, TooLarge
from typeset.library.fixity import (MANIFEST, SOURCES_MANIFEST, Differences, compare, file_sha256, read_manifest,
                                    source_files, source_folders, tree_files, tree_links)

ARCHIVE_COPY = "-存档.pdf"  # the issues' PDF/A editions: they must say so
EPUB_MIMETYPE = b"application/epub+zip"
PDFAID = re.compile(r"pdfaid:(part|conformance)\s*(?:=\s*[\"']|>)\s*([0-9A-Za-z]+)")
CONFORMANCE = {1: "AB", 2: "ABU", 3: "ABU", 4: "EF"}
MAX_FILE_BYTES = 1024 * 1024 * 1024  # a PDF is read whole by pypdf: larger ones are not opened


@dataclass(frozen=True)
class Problem:
    kind: str  # missing / changed / unexpected / damaged
    path: str
    detail: str = ""

    LABELS = {"missing": "缺少", "changed": "已改动", "unexpected": "清单外的文件", "damaged": "已损坏"}

    def __str__(self) -> str:
        text = f"{self.LABELS[self.kind]}：{self.path}"
        return f"{text}（{self.detail}）" if self.detail else text


@dataclass
class Report:
    root: Path
    problems: list[Problem] = field(default_factory=list)
    listed: int = 0  # files the manifests list
    opened: int = 0  # PDFs and EPUBs re-opened
    manifest: bool = False  # whether the folder had a manifest
    digest: str = ""  # SHA-256 of manifest-sha256.txt: an anchor to record outside the site

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(path: Path, archive: Path | None = None, expect: str | None = None) -> Report:
    """Check a site folder (or one PDF or EPUB); ``archive``: also check the sources read;
    ``expect``: the manifest's digest as recorded elsewhere (see ``manifest_digest``)."""
    path = Path(path)
    if not path.exists():
        raise SourceError("要检查的文件或文件夹不存在，请检查路径。", path)
    if path.is_file():
        report = Report(path.parent)
        _open_check(report, path, str(path))
        return report
    report = Report(path)
    if (path / MANIFEST).is_file() and not (path / MANIFEST).is_symlink():
        report.manifest = True
        report.digest = manifest_digest(path)
        _against(report, path, path / MANIFEST, tree_files(path, skip=(MANIFEST,)), "")
        report.problems += [Problem("unexpected", name, "符号链接") for name in tree_links(path)]
    else:  # without its list nothing can be said of a file's loss or change
        report.problems.append(Problem("missing", MANIFEST, "无法核对文件是否缺少或改动"))
    if expect is not None and report.manifest and report.digest != expect.strip().lower():
        report.problems.append(Problem("changed", MANIFEST, "清单摘要与记录的不符：清单本身被改过"))
    if archive is not None:
        _check_sources(report, path, Path(archive))
    for name in tree_files(path):
        if name.lower().endswith((".pdf", ".epub")):
            _open_check(report, path / name, name)
    return report


def manifest_digest(site: Path) -> str:
    """SHA-256 of the site's manifest: it covers every file (the sources' manifest included),
    so one line recorded outside the site (a letter, a printed 版记) anchors them all."""
    return file_sha256(site / MANIFEST)


def _against(report: Report, root: Path, manifest: Path, present: list[str] | None, prefix: str) -> None:
    try:
        entries = read_manifest(manifest)
    except UnicodeDecodeError:
        report.problems.append(Problem("damaged", manifest.name, "校验清单不是 UTF-8 文本"))
        return
    except ValueError as exc:
        line = exc.args[0] if exc.args else 0
        report.problems.append(Problem("damaged", manifest.name, f"校验清单第 {line} 行格式不对（或重复、过长）"
                                       if line else "校验清单过大"))
        return
    except OSError:
        report.problems.append(Problem("damaged", manifest.name, "校验清单无法读取"))
        return
    found = compare(root, entries, present)
    report.listed += found.checked
    report.problems += _named(found, prefix)


def _named(found: Differences, prefix: str) -> list[Problem]:
    return ([Problem("missing", prefix + name) for name in found.missing]
            + [Problem("changed", prefix + name) for name in found.changed]
            + [Problem("unexpected", prefix + name) for name in found.unexpected])


def _check_sources(report: Report, site: Path, archive: Path) -> None:
    if not (site / SOURCES_MANIFEST).is_file():
        report.problems.append(Problem("missing", SOURCES_MANIFEST))
        return
    if not archive.is_dir():
        raise SourceError("会刊文库文件夹不存在或不是文件夹，请检查 --sources 的路径。", archive)
    try:
        folders = source_folders(archive, read_manifest(site / SOURCES_MANIFEST))
    except (OSError, UnicodeDecodeError, ValueError):
        folders = []  # _against names the unreadable manifest
    present = source_files(archive, [f for f in folders if f.is_dir()])
    _against(report, archive, site / SOURCES_MANIFEST, present, f"{archive.name}/")


def _open_check(report: Report, path: Path, name: str) -> None:
    check = pdf_damage if path.name.lower().endswith(".pdf") else epub_damage
    report.opened += 1
    detail = check(path)
    if detail:
        report.problems.append(Problem("damaged", name, detail))


def pdf_damage(path: Path) -> str:
    """Why the PDF does not read back ('' when it does): every object parsed, every stream
    decoded (within ``inflate``'s limits: a bomb is damage, not a machine out of memory)."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    if path.stat().st_size > MAX_FILE_BYTES:
        return f"文件超过 {MAX_FILE_BYTES // 1048576} MB，不像是会刊的 PDF"
    budget = Budget()
    try:
        reader = PdfReader(path, strict=True)
        for reference in _objects(reader):
            _decode(reference.get_object(), budget)
        if not reader.pages:
            return "没有页面"
        return pdfa_damage(reader, path.name.endswith(ARCHIVE_COPY))
    except zlib.error:
        return "有数据流解压校验失败"
    except TooLarge as exc:
        return str(exc)
    except LimitReachedError:
        return "有数据流解压后超过上限"
    except Exception as exc:  # noqa: BLE001 - any failure to read back is damage
        return f"PDF 结构无法读回（{type(exc).__name__}）"


def _decode(obj, budget: Budget) -> None:
    """Decode a stream strictly: pypdf forgives a Flate stream whose checksum fails, zlib does
    not. The raw, still encoded bytes are in ``_data``; they are inflated in chunks, counted."""
    if not hasattr(obj, "get_data"):
        return
    if obj.get("/Filter") == "/FlateDecode" and not obj.get("/DecodeParms"):
        budget.check_flate(obj._data)
    else:
        budget.spend(len(obj.get_data()))  # pypdf bounds each of these itself


def _objects(reader) -> list:
    from pypdf.generic import IndirectObject

    numbers = {(number, generation) for generation, table in reader.xref.items() for number in table}
    numbers |= {(number, 0) for number in reader.xref_objStm}
    return [IndirectObject(number, generation, reader) for number, generation in sorted(numbers)]


def pdfa_damage(reader, expected: bool) -> str:
    """What a PDF claiming PDF/A lacks of the identification's promises ('' when nothing)."""
    claim = pdfa_claim(reader)
    if claim is None:
        return "存档版应标明 PDF/A，却没有 PDF/A 标识" if expected else ""
    part, conformance = claim
    if part not in CONFORMANCE or (conformance and conformance.upper() not in CONFORMANCE[part]):
        return f"PDF/A 标识不对（part {part}，conformance {conformance or '无'}）"
    catalog = reader.trailer["/Root"]
    intents = [intent.get_object() for intent in catalog.get("/OutputIntents", [])]
    if not any(i.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i for i in intents):
        return "标明 PDF/A，却缺少 PDF/A 输出意图（OutputIntent）"
    if "/Encrypt" in reader.trailer or "/ID" not in reader.trailer:
        return "标明 PDF/A，却已加密或缺少文件标识（ID）"
    if part == 3 and any("/AFRelationship" not in spec for spec in _file_specs(reader)):
        return "标明 PDF/A-3，附件却没有说明与文档的关系（AFRelationship）"
    return ""


def pdfa_claim(reader) -> tuple[int, str] | None:
    """(part, conformance) from the XMP metadata's pdfaid, None when the PDF claims nothing."""
    metadata = reader.trailer["/Root"].get("/Metadata")
    if metadata is None:
        return None
    found = dict((key, value) for key, value in PDFAID.findall(metadata.get_object().get_data().decode("utf-8", "replace")))
    if "part" not in found:
        return None
    return (int(found["part"]) if found["part"].isdigit() else 0), found.get("conformance", "")


def _file_specs(reader) -> list:
    names = reader.trailer["/Root"].get("/Names", {}).get("/EmbeddedFiles", {}).get("/Names", [])
    return [names[k].get_object() for k in range(1, len(names), 2)]


def epub_damage(path: Path) -> str:
    """Why the EPUB is not a sound EPUB zip ('' when it is)."""
    try:
        with zipfile.ZipFile(path) as book:
            first = book.infolist()[0] if book.infolist() else None
            if first is None or first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
                return "EPUB 的第一个文件应是不压缩的 mimetype"
            if book.read("mimetype") != EPUB_MIMETYPE:
                return "mimetype 的内容不对"
            bomb = zip_bomb(book)
            if bomb:
                return bomb
            bad = book.testzip()
            if bad:
                return f"压缩包内的 {bad} 校验失败"
            if "META-INF/container.xml" not in book.namelist():
                return "缺少 META-INF/container.xml"
    except zlib.error:
        return "压缩包内有文件解压失败"
    except Exception as exc:  # noqa: BLE001 - zipfile raises many kinds on damaged input
        return f"不是完整的 zip 压缩包（{type(exc).__name__}）"
    return ""


def zip_bomb(book: zipfile.ZipFile) -> str:
    """Why the zip's directory is not to be inflated ('' when it may be): too many entries,
    entries sharing their data, or more declared bytes than ``inflate`` allows (zipfile never
    inflates a member past its declared size)."""
    entries = book.infolist()
    if len(entries) > MAX_ENTRIES:
        return f"压缩包有 {len(entries)} 个条目，超过上限 {MAX_ENTRIES}"
    if len({entry.header_offset for entry in entries}) < len(entries):
        return "压缩包的目录有多个条目指向同一段数据"
    try:
        budget = Budget()
        for entry in entries:
            budget.spend(entry.file_size)
    except TooLarge as exc:
        return f"压缩包{exc}"
    return ""
