"""Bounded decompression for checking archives: a few kilobytes of Flate can stand for
gigabytes (a "zip bomb"), and an EPUB's directory can point thousands of entries at one large
member. What ``verify`` and the volume binder inflate is streamed in chunks (never held whole)
and counted, per stream and per file; past a limit the file is reported as damaged."""

from __future__ import annotations

import zlib

MAX_STREAM = 256 * 1024 * 1024  # one stream or zip member, inflated
MAX_TOTAL = 1024 * 1024 * 1024  # all the streams of one file together
MAX_ENTRIES = 10_000  # entries in an EPUB's zip directory (a bulletin's has a few dozen)
CHUNK = 1024 * 1024


class TooLarge(Exception):
    """Inflating would pass a limit: ``args[0]`` says which, in Chinese."""


class Budget:
    """What one file may still inflate, in bytes."""

    def __init__(self, total: int | None = None, per_stream: int | None = None):
        self.total = total or MAX_TOTAL
        self.left, self.per_stream = self.total, per_stream or MAX_STREAM

    def spend(self, size: int) -> None:
        if size > self.per_stream:
            raise TooLarge(f"有数据流解压后超过 {self.per_stream // 1048576} MB")
        self.left -= size
        if self.left < 0:
            raise TooLarge(f"解压后合计超过 {self.total // 1048576} MB")

    def check_flate(self, data: bytes) -> None:
        """Inflate ``data`` chunk by chunk, keeping nothing: ``zlib.error`` when it is not a
        whole zlib stream (a failed checksum, a truncation), ``TooLarge`` past the budget."""
        inflater, size, pending = zlib.decompressobj(), 0, data
        while not inflater.eof:
            out = inflater.decompress(pending, CHUNK)
            pending = inflater.unconsumed_tail
            if not out and not pending:
                raise zlib.error("incomplete or truncated stream")
            size += len(out)
            if size > self.per_stream or size > self.left:
                self.spend(size)
        self.spend(size)
