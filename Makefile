# storyline: `make demo` and `make test` are all a fresh machine needs.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA ?= ../shared/data
LANGS ?= nb
STAMP := $(VENV)/.installed

.PHONY: demo test train bench lint clean

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || { echo "need $(PY) (Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/storyline extract src/storyline/examples/storm.txt --published 2025-01-10 --format pretty

test: $(STAMP)
	$(BIN)/pytest -q

# Reproduces the shipped pipeline (about an hour on 2 cores). Run it in the background.
train: $(STAMP)
	$(BIN)/python -m storyline.training.prepare --data $(DATA) --out corpus --lang $(LANGS)
	OMP_NUM_THREADS=1 $(BIN)/python -m spacy train configs/pipeline.cfg \
	  --code src/storyline/nlp/tokenizer.py --output training-output/$(LANGS) \
	  --paths.train corpus/$(LANGS)/train.spacy --paths.dev corpus/nb/dev.spacy
	$(BIN)/python -m storyline.training.package training-output/$(LANGS)/model-best

bench: $(STAMP)
	$(BIN)/python bench/pipeline_speed.py
	$(BIN)/python bench/extract_speed.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) corpus training-output build dist
