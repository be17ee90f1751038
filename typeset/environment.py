"""Checks of the machine that a build depends on, with the Debian package that fixes each."""

from __future__ import annotations

from functools import cache

from typeset.errors import EnvironmentProblem


@cache
def require_fast_subsetter() -> None:
    """WeasyPrint silently falls back to fontTools (25x slower, non-reproducible PDFs) when
    HarfBuzz's subsetter library is missing: refuse to build instead."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        raise EnvironmentProblem(
            "缺少 HarfBuzz 字体子集库，生成 PDF 会慢 25 倍且每次结果不同。请安装 Debian 软件包：apt-get install libharfbuzz-subset0"
        )
