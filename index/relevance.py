"""The relevance threshold below which a legend does not answer a question.

Calibrated with `legends eval --calibrate` on the labelled questions: the value that
best separates off-topic questions from answerable ones (abstention F1).
"""

DEFAULT_MIN_RELEVANCE = 0.34
