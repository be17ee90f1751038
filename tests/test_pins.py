"""Pinned installs (issue 17): pyproject's ranges, the lock files and the justification
extension's WeasyPrint guard agree, the environment holds exactly the locked versions, and the
archive says which versions made it. A failure here means: run `make lock`, review, commit."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import metadata

import pypdf
import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from typeset import provenance
from typeset.typography.justify import WEASYPRINT_VERSION

from conftest import ROOT, build_clean

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)(?:\s*;\s*(?P<marker>[^\\]+?))?\s*\\?$")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


@dataclass(frozen=True)
class Pin:
    version: str
    marker: str | None
    hashes: tuple[str, ...]

    def applies(self) -> bool:
        return self.marker is None or Marker(self.marker).evaluate()


def read_lock(name: str) -> dict[str, Pin]:
    """``requirements.lock`` → {canonical name: Pin} (the pip requirements format uv writes)."""
    pins: dict[str, Pin] = {}
    current = None
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match["name"])
            assert current not in pins, f"{name}: {current} twice"
            pins[current] = Pin(match["version"], match["marker"], ())
        elif current and HASH.search(line):
            pin = pins[current]
            pins[current] = Pin(pin.version, pin.marker, pin.hashes + tuple(HASH.findall(line)))
        elif line.strip() and not line.lstrip().startswith("#"):
            raise AssertionError(f"{name}: unexpected line {line!r}")
    return pins


APP_LOCK = read_lock("requirements.lock")
TEST_LOCK = read_lock("requirements-test.lock")
TOOLS_LOCK = read_lock("requirements-tools.lock")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME = [Requirement(text) for text in PYPROJECT["project"]["dependencies"]]
TEST_EXTRA = [Requirement(text) for text in PYPROJECT["project"]["optional-dependencies"]["test"]]
BUILD_GROUP = [Requirement(text) for text in PYPROJECT["dependency-groups"]["build"]]


def test_weasyprint_requirement_is_exactly_the_version_the_extension_accepts():
    [weasyprint] = [req for req in RUNTIME if canonicalize_name(req.name) == "weasyprint"]
    assert str(weasyprint.specifier) == f"=={WEASYPRINT_VERSION}", (
        f"pyproject.toml asks for weasyprint{weasyprint.specifier}, but typeset/typography/justify.py "
        f"accepts only {WEASYPRINT_VERSION}: change both together, then run `make lock`")


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-test.lock"])
def test_locks_pin_the_weasyprint_the_extension_accepts(lock):
    assert read_lock(lock)["weasyprint"].version == WEASYPRINT_VERSION, f"{lock} drifted: run `make lock`"


@pytest.mark.parametrize("lock, requirements", [
    ("requirements.lock", RUNTIME + BUILD_GROUP),
    ("requirements-test.lock", RUNTIME + BUILD_GROUP + TEST_EXTRA),
], ids=["app", "test"])
def test_every_declared_dependency_is_locked_within_its_range(lock, requirements):
    pins = read_lock(lock)
    for requirement in requirements:
        pin = pins.get(canonicalize_name(requirement.name))
        assert pin is not None, f"{requirement.name} is not in {lock}: run `make lock`"
        assert requirement.specifier.contains(pin.version, prereleases=True), (
            f"{lock} pins {requirement.name}=={pin.version}, outside pyproject's {requirement.specifier}: run `make lock`")


def test_every_pin_is_checked_by_hash():
    unhashed = [name for lock in (APP_LOCK, TEST_LOCK, TOOLS_LOCK) for name, pin in lock.items() if not pin.hashes]
    assert unhashed == []


def test_the_installer_is_the_uv_the_makefile_names():
    """requirements-tools.lock holds uv alone, at the Makefile's UV_VERSION (`make lock` writes both)."""
    [uv_version] = re.findall(r"^UV_VERSION := (\S+)$", MAKEFILE, re.MULTILINE)
    assert {name: pin.version for name, pin in TOOLS_LOCK.items()} == {"uv": uv_version}


def test_the_test_lock_keeps_the_applications_pins():
    """`make test` adds the test tools to the application's environment without changing it."""
    changed = {name: (pin.version, TEST_LOCK.get(name)) for name, pin in APP_LOCK.items()
               if name not in TEST_LOCK or TEST_LOCK[name].version != pin.version}
    assert changed == {}


def test_the_environment_holds_exactly_the_locked_versions():
    """The Makefile installs the locks; anything else (a hand-installed upgrade, an old venv) shows here."""
    drift = {}
    for name, pin in TEST_LOCK.items():
        if not pin.applies():
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != pin.version:
            drift[name] = (installed, pin.version)
    assert drift == {}, f"installed vs locked: {drift}; run `make test` (it reinstalls from the locks)"


def test_the_environment_holds_nothing_but_the_lock_and_the_project():
    """`uv pip sync` removes whatever the lock does not name (the venv has no pip of its own)."""
    extra = sorted({canonicalize_name(d.metadata["Name"]) for d in metadata.distributions()}
                   - {name for name, pin in TEST_LOCK.items() if pin.applies()} - {"typeset"})
    assert extra == [], f"installed but not locked: {extra}; run `make test` (it reinstalls from the locks)"


def test_provenance_names_the_installed_versions():
    versions = provenance.versions()
    assert versions["WeasyPrint"] == WEASYPRINT_VERSION
    for label, distribution in provenance.LIBRARIES:
        assert versions[label] == metadata.version(distribution)
    assert re.fullmatch(r"3\.\d+\.\d+", versions["Python"])


def test_the_archive_records_what_made_it(tmp_path):
    archive = build_clean(None, tmp_path, ["archive"]).files["archive"]
    reader = pypdf.PdfReader(archive)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    creator = reader.metadata["/Creator"]
    for label, version in provenance.versions().items():
        expected = f"huikan {version}" if label == "huikan" else f"{label} {version}"
        assert expected in creator, creator
        assert expected in xmp
    assert creator.startswith("huikan ") and "typeset" not in creator, "the tool is huikan, as editors call it"
