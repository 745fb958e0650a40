"""Messages the components share."""
from __future__ import annotations


def not_initialized(name: str) -> str:
    return (
        f"{name} has no lexicons yet: call nlp.initialize() after adding it, or, in a pipeline with trained "
        f'components you do not want to reset, nlp.get_pipe("{name}").initialize(); a saved pipeline loads '
        "them with spacy.load"
    )
