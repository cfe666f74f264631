"""The default composer: deterministic answers built only from the legends' curated fields."""

from assistant.grounded.compose import compose

__all__ = ["compose"]
