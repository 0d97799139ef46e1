# Commands for developers and content editors. Editors: see docs/editors.md.
#   make validate       check questions, answers, sources, B1 language and references
#   make retrain        check → train (with progress) → measure → report → compare → publish
#   make rollback       put the previous model back in the running assistant
#   make unrecognised   questions the assistant did not understand (personal data removed)
#   make export-csv / make import-csv   all topics as one spreadsheet (CSV=onderwerpen.csv)
#   make purge          delete conversations older than DAYS (90) days from the tracker store
#                       (ENDPOINTS=config/endpoints.production.yml for PostgreSQL)
#   make scale-test     only the scale-out tests (2 replicas, PostgreSQL, Redis; docs/deploy.md)
#   make bench-safety   safety misses and false alarms per level (results/safety.md)
#   make bronnen        every topic with its source pages, for review (docs/bronnen.md)
#   make studio-beheerder   the first beheerder of the editors' studio (asks name and password)
PY := .venv/bin/python
CSV ?= onderwerpen.csv
DAYS ?= 90
ENDPOINTS ?=
ARGS ?=
export PYTHONPATH := .
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: setup run test scale-test bench bench-safety bronnen validate retrain rollback live-status unrecognised export-csv import-csv studio-beheerder

setup:
	bash scripts/setup.sh

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

scale-test:
	bash scripts/scaleout_test.sh

# every benchmark figure in one run (about 25 min on 2 CPUs) → results/benchmarks.md
bench: | $(PY)
	$(PY) -m ops.model_state && $(PY) -m bench.run_all $(ARGS)

$(PY):
	bash scripts/setup.sh

validate: | $(PY)
	$(PY) -m editor.validate $(ARGS)

retrain: | $(PY)
	$(PY) -m editor.retrain $(ARGS)

rollback: | $(PY)
	$(PY) -m editor.publish rollback $(ARGS)

live-status: | $(PY)
	$(PY) -m editor.publish status $(ARGS)

unrecognised: | $(PY)
	$(PY) -m editor.unrecognised $(ARGS)

export-csv: | $(PY)
	$(PY) -m editor.spreadsheet export $(CSV)

import-csv: | $(PY)
	$(PY) -m editor.spreadsheet import $(CSV) $(ARGS)

purge: | $(PY)
	$(PY) -m ops.purge --days $(DAYS) $(if $(ENDPOINTS),--endpoints $(ENDPOINTS)) $(ARGS)

# misses and false alarms per safety level on the public-page test sets → results/safety.md
bench-safety: | $(PY)
	$(PY) -m ops.model_state && $(PY) -m bench.safety_bench $(ARGS)

# the editors' review table of every topic and its source pages → docs/bronnen.md
bronnen: | $(PY)
	$(PY) -m editor.sources_table

# the first beheerder of the editors' studio (name and password are asked; never a default)
studio-beheerder: | $(PY)
	$(PY) -m studio maak_beheerder $(ARGS)
