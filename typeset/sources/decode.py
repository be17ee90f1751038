"""Bytes → text: UTF-8 (with or without BOM), UTF-16 with BOM (Word's "Unicode text") and
GB18030 are accepted. The encoding is detected, not guessed: a strict decode must succeed, and
GB18030 must also read as Chinese (charset-normalizer's coherence check), because almost any
Latin-1 text is valid GB18030 byte-wise and decodes into nonsense."""

from __future__ import annotations

import codecs
import functools
from pathlib import Path

from typeset.errors import SourceError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that plain text never holds; NUL is the classic sign of a binary file.
_BINARY = "这不是文本文件（含有二进制数据）。请另存为“纯文本（UTF-8）”后再试。"
_BINARY_BYTES = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 28, 29, 30, 31}


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Return ``(text, encoding)`` or raise ``SourceError`` naming ``path``."""
    text, encoding = _decoded(data, path)
    if "\x00" in text:  # anywhere, not only in the sampled start: a NUL never belongs to a text
        raise SourceError(_BINARY, path)
    return text, encoding


def _decoded(data: bytes, path: Path) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, path), encoding
    if _looks_binary(data):
        raise SourceError(_BINARY, path)
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
    if b"\x00" in data:
        return True
    sample = data[:65536]
    odd = sum(1 for byte in sample if byte in _BINARY_BYTES)
    return odd > max(2, len(sample) // 200)


def _reads_as_chinese_gb18030(data: bytes) -> bool:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    if any("\ue000" <= ch <= "\uf8ff" for ch in text):  # private use: bytes that were not GB text
        return False
    if _mostly_common_chinese(text):
        return True
    from charset_normalizer import from_bytes

    return from_bytes(data, cp_isolation=["gb18030"]).best() is not None


_SAMPLE_CHARS = 100_000


def _mostly_common_chinese(text: str) -> bool:
    """Short texts give a statistical detector too little to go on. Chinese text is mostly
    GB2312's 3,755 common hanzi and its marks, with a few rarer characters (𠀀 𪚥 堃 €) beside
    them; Latin-1 bytes read as GB18030 give rare level-2 and GBK-only hanzi, never mostly common
    ones (``Größe`` → ``Gr鲞e``)."""
    foreign = [ch for ch in text[:_SAMPLE_CHARS] if ord(ch) >= 128]
    common = sum(1 for ch in foreign if _is_common(ch))
    return bool(foreign) and common * 2 >= len(foreign)


def _is_common(ch: str) -> bool:
    """A GB2312 level-1 hanzi, a mark of GB2312's punctuation rows (A1-A3), or a hanzi of the
    extensions that only GB18030's four-byte codes reach (Latin-1 never spells one: it would
    need a letter, a digit, a letter and a digit, in those byte ranges)."""
    return ch in _common_gb2312() or "\u3400" <= ch <= "\u4dbf" or "\U00020000" <= ch <= "\U0003134f"


@functools.cache
def _common_gb2312() -> frozenset[str]:
    rows = [*range(0xA1, 0xA4), *range(0xB0, 0xD8)]
    pairs = (bytes((row, cell)) for row in rows for cell in range(0xA1, 0xFF))
    return frozenset(pair.decode("gb2312", errors="ignore") for pair in pairs) - {""}
