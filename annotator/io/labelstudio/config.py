"""The Label Studio labeling config for our tasks, and the names it gives.

One `Labels` control over the text holds both layers: the entity labels and
`CLAIM`. A claim's details are per-region controls, shown beside the text
only while a `CLAIM` region is selected: free text for `value`, `low`,
`high` and `unit`, single choices for `qualifier` and `kind` (with the
Persian gloss as the hint). A claim's speaker is a `SPEAKER`
relation from the claim's region to the region of the mention that names
the speaker. The text is shown right to left, with its newlines; offsets
are Unicode code points, the same as ours.

The names here are the contract between `annotator.io.labelstudio.tasks`
(which writes regions with them) and `annotator.io.labelstudio.reviewed`
(which reads them back).
"""
from __future__ import annotations

from typing import Iterable, Mapping
from xml.sax.saxutils import quoteattr

from annotator.io.prodigy import SPEAKER
from annotator.render.claims import KINDS, QUALIFIERS
from annotator.render.colors import LABEL_COLORS

TEXT = "text"  # the Text object tag, and the data key it shows
LABELS = "label"  # the Labels control: entities and claims
CLAIM = "CLAIM"
ENTITY_LABELS: tuple[str, ...] = tuple(LABEL_COLORS)
NUMBER_FIELDS = ("value", "low", "high")
TEXT_FIELDS = (*NUMBER_FIELDS, "unit")  # per-region TextArea controls
CHOICE_FIELDS: dict[str, tuple[str, ...]] = {"qualifier": tuple(QUALIFIERS), "kind": tuple(KINDS)}
CLAIM_COLOR = "#f4a261"  # not an entity colour: claims overlap entities
OTHER_COLOR = "#dddddd"  # a label with no colour of its own

_STYLE = """\
    .ann-columns { display: flex; align-items: flex-start; gap: 1.5em; }
    .ann-fields { flex: 0 0 16em; position: sticky; top: 0; }
    .fa-rtl { flex: 1; direction: rtl; text-align: right; unicode-bidi: plaintext; }
    .fa-rtl .lsf-htx-richtext, .fa-rtl .htx-text { white-space: pre-wrap; font-size: 18px; line-height: 2.2; }"""
_HINTS: dict[str, Mapping[str, tuple[str, str]]] = {"qualifier": QUALIFIERS, "kind": KINDS}


def labeling_config(labels: Iterable[str] = ENTITY_LABELS, colors: Mapping[str, str] = LABEL_COLORS) -> str:
    """The labeling config XML: `labels` (entity labels) and `CLAIM` over
    the right-to-left text, the claim fields, and the `SPEAKER` relation."""
    label_tags = [_tag("Label", value=label, background=colors.get(label, OTHER_COLOR)) for label in labels]
    label_tags.append(_tag("Label", value=CLAIM, background=CLAIM_COLOR))
    fields = []
    for name in TEXT_FIELDS:
        fields += [_tag("Header", value=name, size="6"),
                   _tag("TextArea", name=name, toName=TEXT, perRegion="true", rows="1", editable="true",
                        maxSubmissions="1", placeholder=name)]
    for name, values in CHOICE_FIELDS.items():
        choices = "".join(_tag("Choice", value=v, hint=_HINTS[name][v][0]) for v in values)
        fields += [_tag("Header", value=name, size="6"),
                   f'<Choices name="{name}" toName="{TEXT}" perRegion="true" choice="single" showInline="true">'
                   f"{choices}</Choices>"]
    lines = [
        "<View>",
        f"  <Style>\n{_STYLE}\n  </Style>",
        f'  <Labels name="{LABELS}" toName="{TEXT}">',
        *(f"    {tag}" for tag in label_tags),
        "  </Labels>",
        f'  <Relations>{_tag("Relation", value=SPEAKER)}</Relations>',
        # The claim's fields beside the text (left of it), while a claim is selected.
        '  <View className="ann-columns">',
        '    <View className="ann-fields">',
        # whenTagName names the Labels control (not the Text tag, as Label Studio's docs say).
        f'      <View visibleWhen="region-selected" whenTagName="{LABELS}" whenLabelValue="{CLAIM}">',
        f'        {_tag("Header", value="Claim")}',
        *(f"        {field}" for field in fields),
        "      </View>",
        "    </View>",
        '    <View className="fa-rtl">',
        f'      <Text name="{TEXT}" value="${TEXT}" granularity="symbol"/>',
        "    </View>",
        "  </View>",
        "</View>",
    ]
    return "\n".join(lines) + "\n"


def _tag(tag: str, /, **attrs: str) -> str:
    return f"<{tag} " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + "/>"
