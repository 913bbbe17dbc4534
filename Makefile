# The two commands of the README: `make paper` (set-up + the demo run ending in
# results/paper/paper.pdf) and `make test` (set-up + the test suite).
PYTHON ?= python3
CORES ?= 8

.PHONY: install paper test lint clean

.make/installed: pyproject.toml
	$(PYTHON) -m pip install -e ".[dev]"
	@mkdir -p .make && touch $@

install: .make/installed

paper: install
	$(PYTHON) -m snakemake --cores $(CORES)

test: install
	$(PYTHON) -m pytest

lint: install
	$(PYTHON) -m ruff check src workflow tests benchmarks
	$(PYTHON) -m ruff format --check src workflow tests benchmarks
	$(PYTHON) -m snakefmt --check Snakefile rules
	$(PYTHON) -m snakemake --lint

clean:
	rm -rf results logs benchmarks/collect benchmarks/label benchmarks/sync benchmarks/stats benchmarks/paper .snakemake
