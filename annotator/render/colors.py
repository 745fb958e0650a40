"""displaCy colours for the annotator's entity labels.

Registered under the `spacy_displacy_colors` entry point (see
pyproject.toml), so `spacy.displacy.render(doc, style="ent")` colours ORG,
MINISTRY, OFFICIAL and PERSON the same way `annotator render` does, with no
`options={"colors": ...}`. ORG and PERSON keep displaCy's own colours.
"""
from __future__ import annotations

from spacy.util import registry

LABEL_COLORS: dict[str, str] = {
    "ORG": "#7aecec",
    "MINISTRY": "#a8e6a1",
    "OFFICIAL": "#feca74",
    "PERSON": "#aa9cfc",
}


def colors() -> dict[str, str]:
    """The label → CSS colour dict displaCy merges into its defaults."""
    return dict(LABEL_COLORS)


# Also register in-process, so the colours apply wherever this module is
# imported, even when the installed package metadata predates the entry point.
registry.displacy_colors.register("annotator", func=colors)
