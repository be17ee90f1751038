"""scripts/setup-system.sh with stand-ins for dpkg-query and apt-get: what it would install.

`make check-site` runs it with the argument "site": on a fresh Debian 12 nothing else brings
Node.js and npm, which `npm ci` and the validators of tools/site-check need."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT

SCRIPT = ROOT / "scripts" / "setup-system.sh"


def stand_ins(folder: Path, log: Path, *, node: bool) -> str:
    """A PATH where no Debian package is installed, apt-get only logs, and node/npm exist if asked."""
    folder.mkdir()
    scripts = {"dpkg-query": "exit 1", "apt-get": f'echo "$@" >> {log}', "id": "echo 0", "fc-cache": "exit 0"}
    if node:
        scripts |= {"node": "exit 0", "npm": "exit 0"}
    for name, body in scripts.items():
        (folder / name).write_text(f"#!/bin/sh\n{body}\n")
        (folder / name).chmod(0o755)
    for tool in ("env", "grep"):
        (folder / tool).symlink_to(shutil.which(tool))
    return str(folder)


def run_setup(tmp_path: Path, *args: str, node: bool) -> list[str]:
    log = tmp_path / "apt.log"
    path = stand_ins(tmp_path / "bin", log, node=node)
    done = subprocess.run(["/bin/bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=60,
                          env={"PATH": path, "HOME": os.environ.get("HOME", "/root")})
    assert done.returncode == 0, done.stderr
    return log.read_text().splitlines() if log.exists() else []


def installed(lines: list[str]) -> list[str]:
    return [word for line in lines if " install " in f" {line} " for word in line.split() if not word.startswith("-")
            and word != "install"]


def test_check_site_installs_node_and_npm_when_there_is_none(tmp_path):
    assert installed(run_setup(tmp_path, "site", node=False)) == ["nodejs", "npm"]


def test_check_site_keeps_a_node_already_there(tmp_path):
    assert run_setup(tmp_path, "site", node=True) == []


def test_the_plain_set_up_does_not_bring_node(tmp_path):
    packages = installed(run_setup(tmp_path, node=False))
    assert "chromium" in packages and "python3-venv" in packages
    assert "nodejs" not in packages and "npm" not in packages
