"""What `spacy train --code` loads for storyline's pipelines: the news tokenizer, and NumPy's
matrix product in place of thinc's BLIS, which ran three times slower on our machines
(docs/benchmarks.md). The pipelines load the same way at run time (storyline.nlp.load)."""
from thinc.api import NumpyOps, set_current_ops

from storyline.nlp import tokenizer  # noqa: F401  (registers storyline.news_tokenizer.v1)

set_current_ops(NumpyOps(use_blis=False))
