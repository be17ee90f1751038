"""A fresh install holds exactly the locks, whatever newer releases the index offers (issue 20).

A local package folder, put ahead of the real index for both pip and uv, holds *newer* releases
of locked packages: a fonttools 99.0 that declares the ``woff`` extra WeasyPrint asks for, a
WeasyPrint 70.1 asking for ``fonttools[woff]``, and newer pip and uv. The real ``make venv`` and
``make test-venv`` run on a copy of the project; the environment must then hold the lock's pins
(those whose markers apply) and nothing else but the project itself. An installer that resolves
anything (as the interpreter's bundled pip 23 did with ``fonttools[woff]``) fails here.

Downloads come from uv's and pip's usual caches, so a second run takes about 20 s."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from conftest import ROOT
from test_pins import read_lock

pytestmark = pytest.mark.slow

# Newer releases of locked packages, with what each declares; none of them may be installed.
NEWER = {
    "fonttools": ("99.0", ["Provides-Extra: woff", 'Requires-Dist: brotli>=1.0.1; extra == "woff"',
                           'Requires-Dist: zopfli>=0.1.4; extra == "woff"']),
    "weasyprint": ("70.1", ["Requires-Dist: fonttools[woff]>=4.59.2", "Requires-Dist: pydyf>=0.11.0"]),
    "pip": ("99.0", []),
    "uv": ("99.0", []),
}
LEFT_OUT = shutil.ignore_patterns(".venv", ".lock-tool", "output", ".git", "__pycache__", ".pytest_cache")
LIST_DISTRIBUTIONS = ("import json, importlib.metadata as m; "
                      "print(json.dumps([(d.metadata['Name'], d.version) for d in m.distributions()]))")


def record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def make_wheel(folder: Path, name: str, version: str, requirements: list[str]) -> Path:
    """A valid pure-Python wheel that installs a module ``<name>_newer`` and nothing useful."""
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}_newer.py": b"RAISE = 'a newer release was installed instead of the lock'\n",
        f"{info}/METADATA": "\n".join(
            ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}", *requirements, ""]).encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test_install\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [record_line(path, data) for path, data in files.items()] + [f"{info}/RECORD,,"]
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
        archive.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return wheel


def newer_releases(folder: Path) -> Path:
    folder.mkdir()
    for name, (version, requirements) in NEWER.items():
        make_wheel(folder, name, version, requirements)
    return folder


def installer_environment(newer: Path) -> dict[str, str]:
    """Both installers look in ``newer`` first (pip keeps this machine's own find-links after it)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "MAKEFLAGS", "MFLAGS")}
    # An activated venv's python3 must not make the new environments (no venv's bin on PATH).
    env["PATH"] = os.pathsep.join(entry for entry in env.get("PATH", "").split(os.pathsep)
                                  if not Path(entry).parent.joinpath("pyvenv.cfg").exists())
    env["PIP_FIND_LINKS"] = " ".join(filter(None, [str(newer), os.environ.get("PIP_FIND_LINKS")]))
    env["UV_FIND_LINKS"] = str(newer)
    return env


def make(project: Path, target: str, env: dict[str, str], wrapper: tuple[str, ...] = ()) -> None:
    run = subprocess.run([*wrapper, "make", "--no-print-directory", target], cwd=project, env=env,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"make {target} failed:\n{run.stdout[-2000:]}\n{quiet(run.stderr)[-3000:]}"


def quiet(stderr: str) -> str:
    """pip's warnings about this machine's empty extra indexes, left out of a failure message."""
    return "\n".join(line for line in stderr.splitlines() if not line.startswith("WARNING: Location"))


def installed(project: Path) -> dict[str, str]:
    python = project / ".venv" / "bin" / "python"
    listing = subprocess.run([str(python), "-c", LIST_DISTRIBUTIONS], capture_output=True, text=True, check=True)
    pairs = json.loads(listing.stdout)
    names = [canonicalize_name(name) for name, _ in pairs]
    assert len(names) == len(set(names)), f"a distribution installed twice: {sorted(names)}"
    return {canonicalize_name(name): version for name, version in pairs}


def locked(lock: str) -> dict[str, str]:
    """The lock's pins whose markers apply to this interpreter (the same one the venv is made from)."""
    return {name: pin.version for name, pin in read_lock(lock).items() if pin.applies()}


def project_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory):
    base = tmp_path_factory.mktemp("install")
    project = base / "project"
    shutil.copytree(ROOT, project, ignore=LEFT_OUT, symlinks=True)
    return project, installer_environment(newer_releases(base / "newer"))


@pytest.mark.skipif(sys.platform != "linux", reason="the Makefile sets up Debian")
def test_make_venv_installs_exactly_the_lock_whatever_newer_releases_exist(fresh_clone):
    project, env = fresh_clone
    make(project, "venv", env)
    expected = locked("requirements.lock") | {"typeset": project_version()}
    assert installed(project) == expected


@pytest.mark.skipif(sys.platform != "linux", reason="the Makefile sets up Debian")
def test_make_test_venv_installs_exactly_the_test_lock(fresh_clone):
    project, env = fresh_clone
    make(project, "test-venv", env)
    expected = locked("requirements-test.lock") | {"typeset": project_version()}
    assert installed(project) == expected


def can_cut_the_network() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "--net", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not can_cut_the_network(), reason="needs root to run make without a network")
def test_a_venv_rebuilt_without_network_comes_from_the_cache(fresh_clone):
    """A changed pyproject.toml recreates .venv; with the locked files cached, no network is needed."""
    project, env = fresh_clone
    make(project, "test-venv", env)
    (project / "pyproject.toml").touch()
    make(project, "test-venv", env, wrapper=("unshare", "--net"))
    expected = locked("requirements-test.lock") | {"typeset": project_version()}
    assert installed(project) == expected
