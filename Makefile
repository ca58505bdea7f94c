# Two commands for a newcomer on a fresh Debian 12 machine (as root):
#   make build   — set up everything and build the bundled plan into dist/
#   make test    — set up everything (browser included) and run the tests
PY := .venv/bin/python

.PHONY: setup build test check docs bench contract-shape

setup:
	bash scripts/setup.sh

build: setup
	$(PY) build.py build

check: setup
	$(PY) build.py check

test:
	PLANDOC_BROWSER=1 bash scripts/setup.sh
	$(PY) -m pytest -q

docs: setup
	$(PY) build.py docs

bench: setup
	$(PY) benchmarks/budget.py

# Record the shape of plan.json for the current contract version (after a version bump;
# golden updates never rewrite it). See docs/json.md.
contract-shape: setup
	$(PY) scripts/record_contract_shape.py
