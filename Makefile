# The README's two commands: `make demo` and `make test`. Both set up everything they need,
# installing exactly the versions in the lock files (checked by hash); `make lock` refreshes them.
#
# The installer is pinned too: uv comes from requirements-tools.lock (hash-checked, no
# dependencies, installed by the interpreter's own pip into .lock-tool/), and `uv pip sync`
# makes the venv hold the lock's packages and nothing else. The interpreter's bundled pip never
# resolves anything: an old pip resolved `fonttools[woff]` to a newer release than the lock's
# and refused it for having no hash (issue 20).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
APP_LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
TOOLS_LOCK := requirements-tools.lock
# The installer and lock tool live in their own folder, outside the locked environment.
LOCK_TOOL := .lock-tool
UV := $(LOCK_TOOL)/bin/uv
UV_VERSION := 0.13.8
# uv never downloads an interpreter of its own, and installs into the venv it is told.
export UV_PYTHON_DOWNLOADS := never
# --compile-bytecode: every huikan process would otherwise compile ~1,500 modules where the
# venv cannot be written to, or with PYTHONDONTWRITEBYTECODE set (0.9 s of CPU a build).
SYNC := $(UV) pip sync --quiet --python $(BIN)/python --require-hashes --compile-bytecode
# Installs a lock from uv's cache (~/.cache/uv, shared by every checkout) without the network when
# it holds every locked file, so rebuilding a venv works offline; otherwise from the index.
sync = $(SYNC) --offline $(1) 2>/dev/null || $(SYNC) $(1)
EDITABLE := $(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
LOCK_UPGRADE ?= --upgrade
COMPILE := $(UV) pip compile --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" --quiet

.PHONY: demo test bench system venv test-venv golden lock clean check-site

demo: venv
	$(BIN)/huikan build seeds/sample

test: test-venv
	$(BIN)/python -m pytest -q

# The members' library as browsers and validators see it: the pinned npm tools of
# tools/site-check (npm ci, no install scripts; Debian's Chromium and Java), then the Nu Html
# Checker, axe-core and Lighthouse on a built site (scores printed), and DAISY Ace on the EPUBs.
SITE_TOOLS := tools/site-check
check-site: test-venv
	@bash scripts/setup-system.sh site
	@[ $(SITE_TOOLS)/node_modules/.package-lock.json -nt $(SITE_TOOLS)/package-lock.json ] || \
		(cd $(SITE_TOOLS) && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
	$(BIN)/python $(SITE_TOOLS)/check_site.py
	$(BIN)/python -m pytest -q tests/test_ace.py

bench: venv
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/library_bench.py
	$(BIN)/python benchmarks/preview_bench.py

golden: venv
	$(BIN)/python -m tests.golden

system:
	@bash scripts/setup-system.sh

venv: system $(STAMP)

test-venv: venv $(TEST_STAMP)

# The pinned installer: one hash-checked wheel, nothing resolved. A .lock-tool that does not
# answer with UV_VERSION (left by an older Makefile, copied with old times, half-installed) is
# replaced. The Debian packages come first: the interpreter's venv needs python3-venv.
ifneq ($(word 2,$(shell $(UV) --version 2>/dev/null)),$(UV_VERSION))
.PHONY: $(UV)
endif
$(UV): $(TOOLS_LOCK) | system
	rm -rf $(LOCK_TOOL)
	$(PYTHON) -m venv $(LOCK_TOOL)
	$(LOCK_TOOL)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
		--only-binary :all: --require-hashes -r $(TOOLS_LOCK)
	@touch $(UV)

# A fresh environment each time a lock changes: exactly the locked packages (every file checked
# against its hash, anything else removed), then the project itself without dependencies.
$(STAMP): $(APP_LOCK) pyproject.toml $(UV)
	rm -rf $(VENV)
	$(PYTHON) -m venv --without-pip $(VENV)
	$(call sync,$(APP_LOCK))
	$(EDITABLE)
	@touch $(STAMP)

# The test lock holds the application's pins plus the test tools; sync removes the editable
# project, so it goes in again.
$(TEST_STAMP): $(STAMP) $(TEST_LOCK)
	$(call sync,$(TEST_LOCK))
	$(EDITABLE)
	@touch $(TEST_STAMP)

# Run after changing dependencies in pyproject.toml, or deliberately to take newer releases
# (`make lock LOCK_UPGRADE=` keeps the current pins where they still fit). Review the diff,
# then run `make test` before committing the lock files. requirements-tools.lock pins uv itself.
lock: $(UV)
	echo "uv==$(UV_VERSION)" | $(COMPILE) - $(LOCK_UPGRADE) -o $(TOOLS_LOCK)
	$(COMPILE) pyproject.toml --group build $(LOCK_UPGRADE) -o $(APP_LOCK)
	$(COMPILE) pyproject.toml --group build --extra test --constraint $(APP_LOCK) $(LOCK_UPGRADE) -o $(TEST_LOCK)

clean:
	rm -rf $(VENV) $(LOCK_TOOL) output/*/ dist build
