# swarmsim: two commands on a fresh machine (Python 3.11 + pip):
#   make demo   creates .venv, installs swarmsim alone (no dev tools), replays the flagship lesson
#   make test   creates/updates .venv, then lint, type check, the whole test suite and the docs
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo

.PHONY: demo test lint typecheck pytest docs bench bench-swarm2k fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# the demo needs swarmsim and its runtime dependencies only
$(DEMO_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/swarmsim run scenarios/06-update-paused-resumed.yaml

lint: $(STAMP)
	$(BIN)/ruff check swarmsim tests benchmarks docs/conf.py docs/_ext
	$(BIN)/ruff format --check swarmsim tests benchmarks docs/conf.py docs/_ext

typecheck: $(STAMP)
	$(BIN)/mypy

# the notebooks run in `make docs` (executed there, a failing cell fails it), not here
pytest: $(STAMP)
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -p no:cacheprovider --doctest-modules swarmsim tests

# the documentation site (docs/_build/html): every page read afresh (-E), the notebooks
# and the guides' code blocks run, and any warning fails the build
docs: $(STAMP)
	rm -rf docs/_generated/api  # autosummary pages of modules that may have moved
	$(BIN)/python -m sphinx -b html -E -W --keep-going -q docs docs/_build/html

test: lint typecheck pytest docs

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_engine.py --quick

# the Swarm2K rolling update (2,400 nodes, 95,000 tasks) and its tenth: docs/performance.md
bench-swarm2k: $(STAMP)
	$(BIN)/python benchmarks/bench_engine.py --swarm2k

# the long fault-schedule fuzzer (docs/testing.md): make fuzz FUZZ_SCHEDULES=10000 FUZZ_SEED=1
# (FUZZ_FLAGS=--extended: partitions, node labels and roles, constraints, host ports too;
#  FUZZ_FLAGS="--extended --membership": machines leaving the swarm and joining again too)
FUZZ_SCHEDULES ?= 10000
FUZZ_SEED ?= 1
FUZZ_FLAGS ?=
fuzz: $(STAMP)
	$(BIN)/python -m swarmsim.testing.fuzz --schedules $(FUZZ_SCHEDULES) --seed $(FUZZ_SEED) $(FUZZ_FLAGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis docs/_build docs/_generated
