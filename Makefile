# storyline: `make demo` and `make test` are all a fresh machine needs.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA ?= ../shared/data
LANGS ?= nb
# the shipped pipelines: nb from the Bokmål data, 5,200 steps; nn from Bokmål and Nynorsk jointly,
# 2,400 steps, then 2,000 more at half the learning rate (configs/nn-continue.cfg), model-best on
# Nynorsk dev. Both give the sentences that have no UD version POS converted from NDT (--ndt-pos)
# and multiply with NumPy (training/spacy_code.py); docs/accuracy.md has the figures.
TRAIN_nb = nb
TRAIN_nn = nb+nn
STEPS_nb = 5200
STEPS_nn = 2400
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: demo test rescore tour train train-encoder train-antecedents bench bench-store lint clean

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || { echo "need $(PY) (Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,scale]'
	touch $(STAMP)

# Extracts one example article, builds a store from our example story (and the shared seed
# article when ../shared is there), then serves the API and web UI.
demo: $(STAMP)
	$(BIN)/storyline extract src/storyline/examples/storm.txt --published 2025-01-10 --format pretty
	rm -f demo.db demo.db-wal demo.db-shm
	$(BIN)/storyline ingest tests/story --db demo.db
	for f in tests/articles/*.gold.json; do \
	  $(BIN)/storyline ingest "$${f%.gold.json}.txt" --db demo.db --source storyline --published \
	    "$$($(BIN)/python -c 'import json,sys; print(json.load(open(sys.argv[1]))["document"]["published"])' $$f)"; \
	done
	if [ -f ../shared/seeds/000_7f010caa0a2c78e9.txt ]; then \
	  $(BIN)/storyline ingest ../shared/seeds/000_7f010caa0a2c78e9.txt --db demo.db --published 2022-03-03; fi
	$(BIN)/storyline serve --db demo.db --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest -q

# Raise tests/scores.json (each article's score by section, both taggers) after a change that
# improves the record; it refuses to write a lower score (tests/rescore.py --allow-lower does).
rescore: $(STAMP)
	$(BIN)/python tests/rescore.py

# The README's illustrated tour: screenshots the browser tests take, written to docs/tour/.
tour: $(STAMP)
	STORYLINE_TOUR=docs/tour $(BIN)/pytest -q tests/test_web.py

# Reproduces a shipped pipeline (nb: about 15 minutes on one core; nn: 10). Run it in the background.
train: $(STAMP)
	$(BIN)/python -m storyline.training.prepare --data $(DATA) --out corpus --lang $(TRAIN_$(LANGS)) --ndt-pos
	OMP_NUM_THREADS=1 $(BIN)/python -m spacy train configs/pipeline.cfg \
	  --code src/storyline/training/spacy_code.py --output training-output/$(LANGS) \
	  --paths.train corpus/$(TRAIN_$(LANGS))/train.spacy --paths.dev corpus/$(LANGS)/dev.spacy \
	  --training.max_steps $(STEPS_$(LANGS)) --training.patience $(STEPS_$(LANGS))
	$(BIN)/python -m storyline.training.package training-output/$(LANGS)/model-best --lang $(LANGS)
ifeq ($(LANGS),nn)
	OMP_NUM_THREADS=1 $(BIN)/python -m spacy train configs/nn-continue.cfg \
	  --code src/storyline/training/spacy_code.py --output training-output/nn-continue \
	  --paths.train corpus/nb+nn/train.spacy --paths.dev corpus/nn/dev.spacy \
	  --training.max_steps 2000 --training.patience 2000
	$(BIN)/python -m storyline.training.package training-output/nn-continue/model-best --lang nn
endif

# the pronoun antecedent ranker (nlp/data/antecedent_ranker.json) from NARC's coreference chains; 2 min
train-antecedents: $(STAMP)
	$(BIN)/python -m storyline.training.antecedents --data $(DATA)/narc-ud-norne

# The encoder pipeline (src/storyline/models/e5): multilingual-e5-small fine-tuned jointly for tags,
# morphology, a biaffine parse and NorNE names on UD Norwegian Bokmål and Nynorsk (3 epochs, then 1.5
# at half the rates with the names' loss doubled; seeded; about 100 minutes on 2 cores), written as an
# int8 ONNX graph and the heads' weights. Run it in the background.
train-encoder: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,train]'
	$(BIN)/python -m storyline.training.e5_joint --data $(DATA) --out training-output/e5-joint --lang nb+nn --epochs 3
	$(BIN)/python -m storyline.training.e5_joint --data $(DATA) --out training-output/e5-joint-2 --lang nb+nn \
	  --init training-output/e5-joint --epochs 1.5 --lr 5e-5 --head-lr 1e-3 --ner-weight 2
	$(BIN)/python -m storyline.training.e5_joint --out training-output/e5-joint-2 --export src/storyline/models/e5

bench: $(STAMP)
	$(BIN)/python bench/pipeline_speed.py
	$(BIN)/python bench/extract_speed.py

bench-store: $(STAMP)
	$(BIN)/python bench/store_speed.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) corpus training-output build dist demo.db demo.db-wal demo.db-shm
