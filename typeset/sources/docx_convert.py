"""Older word-processor formats (.doc, .wps, .rtf, .odt) → .docx with LibreOffice, when installed.

LibreOffice is optional (Debian ``libreoffice-writer-nogui``). A conversion runs headless on a
copy of the file in a throw-away folder, with its own throw-away profile whose settings forbid
macros, with no network-facing features and a time limit; the issue folder is never written.
Without LibreOffice such a file gets the message of ``other_format_message``.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from typeset.errors import SourceError

TIME_LIMIT_S = 120
MAX_DOCX_BYTES = 100 * 1024 * 1024
# A fresh profile: macros never run (security level 3 = very high, execution disabled), no
# update check, no recovery, no first-start wizard.
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstStartWizardCompleted" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Recovery/AutoSave"><prop oor:name="Enabled" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments"><prop oor:name="AutoCheckEnabled" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def converter() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 and WPS files
_MAGIC = {".doc": (_OLE2,), ".wps": (_OLE2,), ".rtf": (b"{\\rtf",), ".odt": (b"PK\x03\x04",)}


def actual_format(data: bytes, suffix: str) -> str:
    """The format a file's bytes are in (``.docx`` ``.doc`` ``.rtf`` ``.odt``), else its suffix:
    a .docx renamed .doc, or an RTF saved as .doc, opens in Word and WPS, so it is read too."""
    head = data[:8].lstrip(b"\xef\xbb\xbf")
    if head.startswith(b"{\\rtf"):
        return ".rtf"
    if head.startswith(_OLE2):
        return suffix if suffix in (".doc", ".wps") else ".doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return suffix
        if "word/document.xml" in names:
            return ".docx"
        if "content.xml" in names and b"application/vnd.oasis.opendocument.text" in data[:200]:
            return ".odt"
    return suffix


def to_docx(data: bytes, suffix: str, name: str) -> bytes:
    """The bytes of a .doc/.wps/.rtf/.odt file converted to .docx (``name`` for messages).
    A file that does not begin like its format is refused before LibreOffice sees it (it would
    read anything else as plain text)."""
    program = converter()
    if program is None or not data.lstrip(b"\xef\xbb\xbf").startswith(_MAGIC[suffix]) or (
            suffix == ".odt" and b"application/vnd.oasis.opendocument.text" not in data[:200]):
        raise SourceError(_failed(suffix), name)
    with tempfile.TemporaryDirectory(prefix="huikan-convert-") as work:
        folder = Path(work)
        source = folder / f"source{suffix}"
        source.write_bytes(data)
        profile = folder / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        _run(program, source, folder / "out", profile, name, suffix)
        result = folder / "out" / "source.docx"
        if not result.is_file() or result.stat().st_size > MAX_DOCX_BYTES:
            raise SourceError(_failed(suffix), name)
        return result.read_bytes()


def _run(program: str, source: Path, out: Path, profile: Path, name: str, suffix: str) -> None:
    command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
               "--norestore", "--nolockcheck", "--nodefault", "--convert-to", "docx:MS Word 2007 XML",
               "--outdir", str(out), str(source)]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(profile), "LANG": "C.UTF-8",
           "SAL_USE_VCLPLUGIN": "svp"}
    try:
        process = subprocess.Popen(command, cwd=source.parent, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        raise SourceError(_failed(suffix), name) from None
    try:
        process.wait(timeout=TIME_LIMIT_S)
    except subprocess.TimeoutExpired:
        raise SourceError(f"用 LibreOffice 转换 {suffix} 文件超过 {TIME_LIMIT_S} 秒，已放弃。"
                          "请在 Word 或 WPS 中打开，另存为 .docx 后再排版。", name) from None
    finally:
        _end(process)


def _end(process: subprocess.Popen) -> None:
    """Stop what the conversion started (LibreOffice runs a child of its own) in its session."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _failed(suffix: str) -> str:
    return (f"LibreOffice 无法转换这个 {suffix} 文件（可能已损坏）。"
            "请在 Word 或 WPS 中打开，选“文件 → 另存为”，保存类型选“Word 文档（*.docx）”，再用 .docx 文件排版。")
