# swarmsim: two commands on a fresh machine (Python 3.11 + pip):
#   make demo   creates .venv, installs swarmsim, replays the flagship lesson
#   make test   creates/updates .venv, then lint, type check and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench bench-swarm2k fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/swarmsim run scenarios/06-update-paused-resumed.yaml

lint: $(STAMP)
	$(BIN)/ruff check swarmsim tests benchmarks
	$(BIN)/ruff format --check swarmsim tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -p no:cacheprovider --doctest-modules swarmsim tests --nbmake notebooks

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_engine.py --quick

# the Swarm2K rolling update (2,400 nodes, 95,000 tasks) and its tenth: docs/performance.md
bench-swarm2k: $(STAMP)
	$(BIN)/python benchmarks/bench_engine.py --swarm2k

# the long fault-schedule fuzzer (docs/testing.md): make fuzz FUZZ_SCHEDULES=10000 FUZZ_SEED=1
FUZZ_SCHEDULES ?= 10000
FUZZ_SEED ?= 1
fuzz: $(STAMP)
	$(BIN)/python -m swarmsim.testing.fuzz --schedules $(FUZZ_SCHEDULES) --seed $(FUZZ_SEED)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
