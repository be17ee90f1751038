# The README's two commands: `make demo` and `make test`. Both set up everything they need,
# installing exactly the versions in the lock files (checked by hash); `make lock` refreshes them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
APP_LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
# The lock tool lives in its own folder, outside the locked environment.
LOCK_TOOL := .lock-tool
UV_VERSION := 0.13.8
LOCK_UPGRADE ?= --upgrade
COMPILE := $(LOCK_TOOL)/bin/uv pip compile pyproject.toml --group build --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" --quiet

.PHONY: demo test bench system venv test-venv golden lock clean

demo: venv
	$(BIN)/huikan build

test: test-venv
	$(BIN)/python -m pytest -q

bench: venv
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/library_bench.py

golden: venv
	$(BIN)/python -m tests.golden

system:
	@bash scripts/setup-system.sh

venv: system $(STAMP)

test-venv: venv $(TEST_STAMP)

# A fresh environment each time the lock changes, so nothing unlocked lingers: the locked
# packages (every file checked against its hash), then the project itself without dependencies.
$(STAMP): $(APP_LOCK) pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --require-hashes -r $(APP_LOCK)
	$(PIP) install -q --no-deps --no-build-isolation -e .
	@touch $(STAMP)

$(TEST_STAMP): $(STAMP) $(TEST_LOCK)
	$(PIP) install -q --require-hashes -r $(TEST_LOCK)
	@touch $(TEST_STAMP)

# Run after changing dependencies in pyproject.toml, or deliberately to take newer releases
# (`make lock LOCK_UPGRADE=` keeps the current pins where they still fit). Review the diff,
# then run `make test` before committing the lock files.
lock:
	@test -x $(LOCK_TOOL)/bin/uv || { $(PYTHON) -m venv $(LOCK_TOOL) && $(LOCK_TOOL)/bin/pip install -q uv==$(UV_VERSION); }
	$(COMPILE) $(LOCK_UPGRADE) -o $(APP_LOCK)
	$(COMPILE) --extra test --constraint $(APP_LOCK) $(LOCK_UPGRADE) -o $(TEST_LOCK)

clean:
	rm -rf $(VENV) $(LOCK_TOOL) output/*/ dist build
