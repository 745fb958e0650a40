"""Persian news annotator: entities and numeric claims, as spaCy components."""
from . import attribution, claims, entity_rules, tokenizer  # noqa: F401  (registers the tokenizer and components)
from .pipeline import blank, load

__version__ = "0.1.0"
__all__ = ["blank", "load", "__version__"]
