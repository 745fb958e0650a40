"""Entities: ORG, MINISTRY, OFFICIAL and PERSON in Persian news.

`component.py` is the spaCy component (factory `annotator_entities`);
`lexicon.py` reads its data; `context.py` holds one document's state and
the word-class tests; one module per grammar: `organizations.py`,
`officials.py`, `persons.py`, `sources.py`.
"""
from annotator.components.entities.component import EntityRules, make_entity_rules
from annotator.components.entities.lexicon import LABELS

__all__ = ["EntityRules", "LABELS", "make_entity_rules"]
