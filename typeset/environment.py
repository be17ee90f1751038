"""Checks of the machine that a build depends on, with the Debian package that fixes each."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from functools import cache

from typeset.errors import EnvironmentProblem


@cache
def require_fast_subsetter() -> None:
    """WeasyPrint silently falls back to fontTools (25x slower, non-reproducible PDFs) when
    HarfBuzz's subsetter library is missing: refuse to build instead."""
    with direct_library_loading():  # the first import of WeasyPrint in a build
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        raise EnvironmentProblem(
            "缺少 HarfBuzz 字体子集库，生成 PDF 会慢 25 倍且每次结果不同。请安装 Debian 软件包：apt-get install libharfbuzz-subset0"
        )


@contextmanager
def direct_library_loading():
    """WeasyPrint loads Pango, HarfBuzz and fontconfig by trying a list of names; cffi hands
    every name that does not load to ``ctypes.util.find_library``, which on Linux runs
    ``ldconfig``, ``gcc`` and ``ld`` each time: 38 processes, 0.1 s of CPU and ~0.3 s of wall
    time per build, for names that cannot exist there (the same lists hold the Linux sonames,
    which load directly). While WeasyPrint loads, such a name is simply not found."""
    if not sys.platform.startswith("linux"):
        yield
        return
    import ctypes.util

    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = find_library
