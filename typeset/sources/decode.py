"""Bytes → text: UTF-8 (with or without BOM), UTF-16 with BOM (Word's "Unicode text") and
GB18030 are accepted. The encoding is detected, not guessed: a strict decode must succeed, and
GB18030 must also read as Chinese (charset-normalizer's coherence check), because almost any
Latin-1 text is valid GB18030 byte-wise and decodes into nonsense."""

from __future__ import annotations

import codecs
from pathlib import Path

from typeset.errors import SourceError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that plain text never holds; NUL is the classic sign of a binary file.
_BINARY_BYTES = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 28, 29, 30, 31}


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Return ``(text, encoding)`` or raise ``SourceError`` naming ``path``."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, path), encoding
    if _looks_binary(data):
        raise SourceError("这不是文本文件（含有二进制数据）。请另存为“纯文本（UTF-8）”后再试。", path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _reads_as_chinese_gb18030(data):
        return data.decode("gb18030"), "gb18030"
    raise SourceError(
        "无法识别文件编码：既不是 UTF-8，也不是 GB18030 中文文本。请在 Word 中另存为“纯文本”并选择 UTF-8 编码。",
        path,
    )


def _strict(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(f"文件声明为 {encoding} 编码，但第 {exc.start} 字节处无法解码。请重新保存为 UTF-8。", path) from None


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    odd = sum(1 for byte in sample if byte in _BINARY_BYTES)
    return odd > max(2, len(sample) // 200)


def _reads_as_chinese_gb18030(data: bytes) -> bool:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    if any("\ue000" <= ch <= "\uf8ff" for ch in text):  # private use: bytes that were not GB text
        return False
    if _all_common_chinese(text):
        return True
    from charset_normalizer import from_bytes

    return from_bytes(data, cp_isolation=["gb18030"]).best() is not None


def _all_common_chinese(text: str) -> bool:
    """Short texts give a statistical detector too little to go on: accept them when every
    non-ASCII character is a GB2312 hanzi or full-width mark (Latin-1 bytes never all are)."""
    for ch in text:
        if ord(ch) < 128:
            continue
        try:
            encoded = ch.encode("gb2312")
        except UnicodeEncodeError:
            return False
        if not (0xA1 <= encoded[0] <= 0xA9 or 0xB0 <= encoded[0] <= 0xF7):
            return False
    return True
