"""How a claim is shown: its parsed value, kind, qualifier and speaker, as
the mark in the text (value beside it, the rest on hover) and as a row of
the document's claims table.
"""
from __future__ import annotations

from typing import Any, Optional

from .markup import Mark, esc, heading, label_chip

KINDS = {  # kind: (Persian name, colour)
    "count": ("شمار", "#2563eb"),
    "percent": ("درصد", "#dc2626"),
    "money": ("پول", "#047857"),
    "measure": ("اندازه", "#7e22ce"),
}
OTHER_KIND_COLOR = "#57606a"
QUALIFIERS = {  # qualifier: (Persian gloss, symbol beside the parsed value)
    "exact": ("دقیق", ""),
    "more_than": ("بیش از", ">"),
    "less_than": ("کمتر از", "<"),
    "at_least": ("دست‌کم", "≥"),
    "at_most": ("حداکثر", "≤"),
    "approximately": ("حدود", "≈"),
    "range": ("بازه", ""),
}


def format_number(x: Any) -> str:
    """A parsed number, ASCII digits with thousands separators."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e18:
        x = int(x)
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return f"{x:,}"
    return "—" if x is None else str(x)


def parsed_value(claim: dict) -> str:
    """The parsed value, or `low–high` for a range."""
    low, high = claim.get("low"), claim.get("high")
    if claim.get("value") is None and (low is not None or high is not None):
        return f"{format_number(low) if low is not None else '?'}–{format_number(high) if high is not None else '?'}"
    return format_number(claim.get("value"))


def speaker_of(claim: dict) -> tuple[str, Optional[str], Optional[tuple[int, int]]]:
    """(text, label, offsets) of a claim's speaker; text is "" if none.
    Tolerates a plain string and a gold-style list of names."""
    sp = claim.get("speaker")
    if isinstance(sp, dict):
        offsets = (sp.get("start"), sp.get("end"))
        return str(sp.get("text") or ""), sp.get("label"), offsets if all(isinstance(o, int) for o in offsets) else None
    if isinstance(sp, list):
        return " / ".join(str(s) for s in sp), None, None
    return ("" if sp is None else str(sp)), None, None


def kind_of(claim: dict) -> tuple[str, str, str]:
    """(kind, Persian name, colour) of a claim."""
    kind = str(claim.get("kind") or "")
    name, color = KINDS.get(kind, (kind, OTHER_KIND_COLOR))
    return kind, name, color


def qualifier_of(claim: dict) -> tuple[str, str, str]:
    """(qualifier, Persian gloss, symbol) of a claim."""
    qual = str(claim.get("qualifier") or "")
    gloss, symbol = QUALIFIERS.get(qual, (qual, ""))
    return qual, gloss, symbol


def claim_tip(claim: dict) -> str:
    """The hover text of a claim: value, unit, qualifier, kind, speaker."""
    kind, kind_name, _ = kind_of(claim)
    qual, gloss, _ = qualifier_of(claim)
    spk, spk_label, _ = speaker_of(claim)
    ranged = claim.get("value") is None and (claim.get("low") is not None or claim.get("high") is not None)
    lines = [
        f"{'بازه' if ranged else 'مقدار'}: {parsed_value(claim)}",
        f"واحد: {claim.get('unit') or '—'}",
        f"قید: {gloss} ({qual or '—'})",
        f"نوع: {kind_name} ({kind or '—'})",
        f"گوینده: {spk or '—'}" + (f" ({spk_label})" if spk and spk_label else ""),
    ]
    return "\n".join(lines)


def claim_badge(claim: dict) -> str:
    """What shows beside the claim in the text: «>37%»."""
    symbol = qualifier_of(claim)[2]
    percent = "%" if claim.get("kind") == "percent" else ""
    return f"{symbol}{parsed_value(claim)}{percent}"


def claim_mark(n: int, j: int, claim: dict) -> Mark:
    """The mark of claim j of document n."""
    kind, _, color = kind_of(claim)
    attrs = f'data-claim="{j}" data-kind="{esc(kind)}" title="{esc(claim_tip(claim))}" style="--k: {color}"'
    return Mark(
        claim["start"], claim["end"], True,
        open=f'<span class="claim" id="d{n}-c{j}" {attrs}>',
        cont=f'<span class="claim cont" {attrs}>',
        badge=f'<span class="ctag" aria-hidden="true" data-tag="{esc(claim_badge(claim))}"></span>',
        end_tag="</span>",
    )


def claims_table(n: int, claims: list[tuple[int, dict]], ent_ids: dict, colors: dict[str, str]) -> str:
    """The claims of document n, one row each; a speaker links to its entity."""
    names = (("Quantity as written", "کمیت در متن"), ("Value or range", "مقدار یا بازه"), ("Kind", "نوع"),
             ("Qualifier", "قید"), ("Unit", "واحد"), ("Speaker", "گوینده"))
    head = '<tr><th title="claim">#</th>' + "".join(f"<th>{heading(en, fa)}</th>" for en, fa in names) + "</tr>"
    rows = []
    for j, claim in claims:
        kind, kind_name, color = kind_of(claim)
        qual, gloss, _ = qualifier_of(claim)
        spk, spk_label, offsets = speaker_of(claim)
        if spk:
            spk_html = esc(spk)
            if offsets in ent_ids:
                spk_html = f'<a href="#d{n}-e{ent_ids[offsets]}">{spk_html}</a>'
            if spk_label:
                spk_html += " " + label_chip(spk_label, colors)
        else:
            spk_html = '<span class="none">بدون گوینده</span>'
        rows.append(
            f'<tr id="d{n}-cr{j}" data-claim-row="{j}">'
            f'<td><a href="#d{n}-c{j}">{j + 1}</a></td>'
            f'<td class="quote">{esc(claim.get("text") or "")}</td>'
            f'<td class="num"><bdi dir="ltr">{esc(parsed_value(claim))}</bdi></td>'
            f'<td><span class="kind" style="--k: {color}">{esc(kind_name)}</span> <code>{esc(kind)}</code></td>'
            f'<td>{esc(gloss)} <code>{esc(qual)}</code></td>'
            f'<td>{esc(claim.get("unit") or "—")}</td>'
            f"<td>{spk_html}</td></tr>"
        )
    return f'<table class="claims"><caption>{heading("Numeric claims", "ادعاهای عددی")} ({len(claims)})</caption>{head}{"".join(rows)}</table>'
