# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
SCALE ?= 1

.PHONY: run serve test lint bench demo load clean help

help:
	@echo "make run    — installe, génère les données de démonstration si besoin, sert le tableau de bord"
	@echo "make serve  — sert en production avec gunicorn (gunicorn.conf.py), voir le README"
	@echo "make test   — installe les dépendances de test et lance toute la suite"
	@echo "make lint   — ruff"
	@echo "make bench  — benchmarks (python -m bench …)"

$(VENV)/.stamp-runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.stamp-dev: requirements-dev.txt $(VENV)/.stamp-runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Demo data only: one account per role, with one-time passwords printed here (never stored in the repo).
run: $(VENV)/.stamp-runtime
	@if [ ! -f "$${SEGUR_WAREHOUSE:-data/warehouse.duckdb}" ]; then \
		$(PY) -m etl demo --scale $(SCALE) && $(PY) -m etl load && \
		echo "Comptes de démonstration (mots de passe à usage unique, à changer à la première connexion) :" && \
		($(PY) -m appstate users demo || true); fi
	$(PY) app.py

serve: $(VENV)/.stamp-runtime
	$(VENV)/bin/gunicorn -c gunicorn.conf.py --pid data/gunicorn.pid app:server

test: $(VENV)/.stamp-dev
	$(PY) -m pytest -q -n 2 --dist loadfile

lint: $(VENV)/.stamp-dev
	$(PY) -m ruff check .

bench: $(VENV)/.stamp-dev
	$(PY) -m bench etl --scale 1 --scale 10
	$(PY) -m bench indicators --scale 1
	$(PY) -m bench dashboard --scale 1
	$(PY) -m bench exports --scale 1
	$(PY) -m bench packs
	$(PY) -m bench auth
	$(PY) -m bench load --users 50 --seconds 60 --slow 2 --slow 10

demo: $(VENV)/.stamp-runtime
	$(PY) -m etl demo --scale $(SCALE)

load: $(VENV)/.stamp-runtime
	$(PY) -m etl load

clean:
	rm -rf data/raw data/archive data/runs data/warehouse.duckdb
