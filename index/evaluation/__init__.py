"""Retrieval evaluation: a labelled question set, metrics, and a runner per retriever."""
