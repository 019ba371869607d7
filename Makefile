# Two commands do all set-up on a fresh machine with Python 3.11+ and git:
#   make run   - build .venv from requirements.lock, run the pipeline (dvc repro), say where things are
#   make test  - build .venv from requirements.lock, run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 5000
# DVC runs stage commands through the shell: put the environment's `fakeprofile` first on PATH.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test ui exps screenshots lint bench real-bench lock clean-venv mutation

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/dvc repro
	@$(BIN)/fakeprofile where

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

ui: $(STAMP)
	$(BIN)/mlflow ui --backend-store-uri sqlite:///$(CURDIR)/mlflow.db --port $(PORT)

# Experiments side by side in 120 columns: the model's headline and the params that differ
# (from `dvc exp show --json`; `make exps ARGS=-A` for every branch).
exps: $(STAMP)
	$(BIN)/python scripts/exps.py $(ARGS)

# PNGs of the MLflow UI (runs list, one run, compare view, registered model) into docs/.
screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py --out docs

# Throughput, wall time and peak memory at 1M rows (10-25 minutes, by machine; needs `make run` first).
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Mutation testing of the deciding modules, one at a time against each one's fast tests
# (tools/mutation_run.py): score, time and surviving mutants to reports/mutation.json. CPU-heavy
# (minutes to an hour a module on a busy machine): niced, one test process. MODULES=... for some.
mutation: $(STAMP)
	$(BIN)/python tools/mutation_run.py --label after $(MODULES)

# The pipeline on real labelled data sets (import, dvc repro with 5-fold cv, export, score): model
# against rules against the raw-field forest, to reports/real_data.json and docs/real-data.md.
REAL_DATA ?= ../shared/real-data
real-bench: $(STAMP)
	$(BIN)/python benchmarks/real_data.py $(REAL_DATA)

# Re-pin every dependency after editing pyproject.toml (uses a throwaway environment).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[dev,spark]'
	( echo '# Every package, transitive ones included, pinned: `make` installs exactly this set.'; \
	  echo '# Regenerate after changing pyproject.toml dependencies: make lock'; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -vi '^fakeprofile' ) > requirements.lock
	rm -rf .lock-venv

clean-venv:
	rm -rf $(VENV)
