# One command each for a new user: `make test` (tier 1), `make demo` (the day planner),
# `make bench` (benchmarks), `make test-bench` (tier 2 on a real Frappe bench).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BENCH ?= $(or $(GIGAFIBRE_BENCH),/work/bench/frappe-bench)
SITE ?= test.localhost
# Debian packages the tests need: Chromium for the modem bridge and the browser tests, net-snmp to
# compare walks, wkhtmltopdf for the PDFs Frappe renders (contracts) on a tier-2 site
SYSTEM_PACKAGES := chromium snmp wkhtmltopdf

.PHONY: test demo bench bench-quick lint format system-deps test-bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

system-deps:
	@missing=""; command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v snmpbulkwalk >/dev/null || missing="$$missing snmp"; \
	command -v wkhtmltopdf >/dev/null || missing="$$missing wkhtmltopdf"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "Missing Debian packages:$$missing (sudo apt-get install$$missing); their tests will be skipped"; fi; \
	fi

test: $(VENV)/.installed system-deps lint
	$(PY) -m pytest tests

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check gigafibre_fsm simulators tests benchmarks
	$(VENV)/bin/ruff format --check gigafibre_fsm simulators tests benchmarks

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix gigafibre_fsm simulators tests benchmarks
	$(VENV)/bin/ruff format gigafibre_fsm simulators tests benchmarks

demo: $(VENV)/.installed
	mkdir -p out
	$(PY) -m gigafibre_fsm.cli demo --out out/demo-report.html

bench: $(VENV)/.installed system-deps
	$(PY) -m benchmarks.run_all

bench-quick: $(VENV)/.installed system-deps
	$(PY) -m benchmarks.run_all --quick

test-bench:
	bash tests/bench/run_tier2.sh "$(BENCH)" "$(SITE)"

clean:
	rm -rf $(VENV) out .pytest_cache
