"""What a build costs beyond WeasyPrint's own work: no compiler runs to find libraries, and the
garbage collector's settings given back after the build."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from conftest import build_clean

ROOT = Path(__file__).resolve().parent.parent


def test_weasyprint_loads_its_libraries_without_searching_with_compilers():
    """cffi hands each library name that does not load to ctypes.util.find_library, which runs
    ldconfig, gcc and ld on Linux: the build's first import of WeasyPrint skips that search."""
    probe = (
        "import ctypes.util\n"
        "searched = []\n"
        "ctypes.util.find_library = lambda name: searched.append(name)\n"
        "from typeset.environment import require_fast_subsetter\n"
        "require_fast_subsetter()\n"
        "from weasyprint.text import ffi\n"
        "assert ffi.pango is not None and ffi.harfbuzz_subset is not None\n"
        "assert ctypes.util.find_library('x') is None and searched == ['x'], searched\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, cwd=ROOT)


def test_build_gives_the_garbage_collector_its_settings_back(tmp_path):
    before = gc.get_threshold()
    build_clean(None, tmp_path, ["html"])
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
