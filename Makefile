# make run: set up and start the app.   make test: set up and run every test (unit, app, browser).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test bench chromium redis clean

# ui.serve starts the engine's worker processes (they import TensorFlow), then Streamlit serving app.py.
run: $(VENV)/.app-installed
	$(BIN)/python -m ui.serve --server.port $(PORT)

test: $(VENV)/.dev-installed chromium redis
	$(BIN)/python -m pytest

bench: $(VENV)/.dev-installed chromium redis
	$(BIN)/python -m benchmarks

$(VENV)/.app-installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.app-installed requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; no browser is downloaded).
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

# Debian's redis-server: the live class tests run a real one (several replicas share class sessions through it).
redis:
	@command -v redis-server >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q redis-server; }

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts
