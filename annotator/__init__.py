"""Persian news annotator: entities and numeric claims, as spaCy components."""
from annotator.lang import tokenizer  # noqa: F401  (registers the tokenizer)
from annotator.components import attribution, claims, entities, memory, scoring  # noqa: F401  (registers the components)
from annotator.pipeline import blank, load

__version__ = "0.1.0"
__all__ = ["blank", "load", "__version__"]
