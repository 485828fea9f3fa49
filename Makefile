# The commands a newcomer needs: `make demo` and `make test`. Both set everything up first (apt, venv,
# plugin, QGIS profile) and are fast the second time.
SHELL := /bin/bash
.DEFAULT_GOAL := help
ENV := source scripts/env.sh &&
PYTEST_ARGS ?=

.PHONY: help setup demo screenshots test test-core bench package lint format clean

help:
	@echo "make demo     set up, build the sample city, run the pipeline through qgis_process, write out/"
	@echo "make screenshots  the real QGIS desktop on the demo: pictures in out/screenshots/"
	@echo "make test     set up and run the whole test suite"
	@echo "make bench    benchmarks against QGIS's own algorithms (ratios printed)"
	@echo "make package  build dist/gimpo_gis_plugin.zip"
	@echo "make lint     ruff"

setup:
	@bash scripts/setup.sh

demo: setup
	@$(ENV) python scripts/demo.py

screenshots: setup
	@$(ENV) python scripts/screenshots.py

test: setup
	@$(ENV) python -m pytest $(PYTEST_ARGS)

test-core: setup
	@$(ENV) python -m pytest tests/core $(PYTEST_ARGS)

bench: setup
	@$(ENV) python scripts/bench.py

package: setup
	@$(ENV) python scripts/package_plugin.py

lint: setup
	@$(ENV) ruff check . && ruff format --check .

format: setup
	@$(ENV) ruff format . && ruff check --fix .

clean:
	rm -rf build dist out .pytest_cache
