# The two commands of the README: `make paper` (set-up + the demo run ending in
# results/demo/paper/paper.pdf) and `make test` (set-up + the test suite).
PYTHON ?= python3
# Jobs run in parallel on every core of the machine (override: make paper CORES=4).
CORES ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: install paper test test-fast lint clean clean-cache

.make/installed: pyproject.toml
	$(PYTHON) -m pip install -e ".[dev]"
	@mkdir -p .make && touch $@

install: .make/installed

paper: install
	$(PYTHON) -m snakemake --cores $(CORES)

test: install
	$(PYTHON) -m pytest

# The quick loop while changing code: every test but the whole-workflow runs (marker
# workflow) and those that load a real model or cluster real data (marker slow).
test-fast: install
	$(PYTHON) -m pytest -m "not workflow and not slow"

lint: install
	$(PYTHON) -m ruff check src workflow tests benchmarks
	$(PYTHON) -m ruff format --check src workflow tests benchmarks
	$(PYTHON) -m snakefmt --check Snakefile rules
	$(PYTHON) -m snakemake --lint

# Every run's results; the caches (HTTP answers, clones, LLM answers, embeddings) stay.
clean:
	rm -rf results .snakemake report.html

# The caches shared by all runs (config key cache_dir; the default location).
clean-cache:
	rm -rf resources/cache
