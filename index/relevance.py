"""The relevance threshold of degraded search (no vectors: keyword and facet evidence only).

With vectors, relevance is the learned ranker's probability and every threshold is fitted on
the dev split (``index/ranker.json``, ``assistant/refusal_model.json``); without them the
relevance is a cosine-like stand-in, for which this value was calibrated on the legacy
questions (abstention F1).
"""

DEFAULT_MIN_RELEVANCE = 0.34
