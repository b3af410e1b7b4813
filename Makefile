# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCALES := locales
LANGS := ru kk en
KEYWORDS := -k _ -k N_ -k __

.PHONY: demo test lint format check-content extract update-locales compile-locales run clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## chat with the bot in the terminal, offline
	$(PY) -m bot demo

run: $(STAMP)  ## run the bot for real (needs BOT_TOKEN)
	$(PY) -m bot run

test: $(STAMP) lint  ## every test and check
	$(PY) -m bot content check
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

extract: $(STAMP)  ## collect interface strings from the code into locales/messages.pot
	$(BIN)/pybabel extract -F babel.cfg $(KEYWORDS) --no-location --sort-output --omit-header \
		-o $(LOCALES)/messages.pot bot handlers

update-locales: extract  ## merge new strings into each language's messages.po
	for lang in $(LANGS); do \
		$(BIN)/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -l $$lang --no-fuzzy-matching --omit-header; \
	done

compile-locales: $(STAMP)  ## build the .mo files (the bot also compiles them in memory when missing)
	$(BIN)/pybabel compile -d $(LOCALES) --statistics

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
