"""spaCy's own `train` on a written config, and the trained model combined
with our rules (and claims) into one pipeline."""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language

POLICIES = ("rules", "model")


def run_spacy_train(config_path: str | Path, output_path: str | Path) -> Path:
    """spaCy's `train` (the `spacy train` command): model-best and
    model-last under `output_path`. Returns the model-best path."""
    from spacy.cli.train import train as spacy_train

    spacy_train(config_path, output_path, use_gpu=-1)
    return Path(output_path) / "model-best"


def assemble(model_path: str | Path, output_path: str | Path, *, rules: bool = True,
             policy: str = "rules", claims: bool = True) -> Language:
    """The trained `ner` combined with our rules (and claims) in one pipeline,
    saved to `output_path`.

    `policy="rules"` (rules over model): `annotator_entities` runs *before*
    `ner`. Its entities are set first and spaCy's `ner` keeps entities that
    are already set, predicting only around them: the model adds what the
    lexicons and grammar do not know, and never changes a rule entity.
    `policy="model"` (model over rules): `annotator_entities` runs *after*
    `ner` with `overwrite_ents=False`: where a rule span and a model entity
    overlap, the longer one wins, the model's on a tie; rule spans elsewhere
    are added.
    The components that follow the entity rules in `annotator.load()` (claims,
    speaker attribution) run last, on the final entities.
    """
    import spacy

    from annotator.pipeline import COMPONENTS

    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    nlp = spacy.load(model_path)
    if rules:
        if policy == "rules":
            where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
            nlp.add_pipe("annotator_entities", config={"overwrite_ents": True}, **where).initialize()
        else:
            where = {"after": "ner"} if "ner" in nlp.pipe_names else {}
            nlp.add_pipe("annotator_entities", config={"overwrite_ents": False}, **where).initialize()
    if claims:
        for name in COMPONENTS:
            if name != "annotator_entities" and name not in nlp.pipe_names:
                nlp.add_pipe(name, last=True).initialize()
    nlp.meta.setdefault("annotator", {})["ents_policy"] = policy if rules else "model only"
    output_path = Path(output_path)
    output_path.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output_path)
    return nlp
