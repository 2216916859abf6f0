"""Cited tables as MyST Markdown, rendered by myst-nb into real HTML tables.

Every piece of text that comes from the dataset goes through `escape`, so a title such as
`<script>` or `{cite}` renders as literal text.
"""

import re

import pandas as pd
from IPython.display import Markdown

from .dates import label

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|$~&:\"'^=])")


def escape(text):
    """Backslash-escape every ASCII punctuation mark MyST could read as markup; fold newlines."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return _SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", str(text)).strip())


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _cite(citations):
    """`{cite:p}` links to the bibliography plus a footnote holding the French quote and its locator."""
    return " ".join(f"{{cite:p}}`{c.source_id}`[^{c.citation_id}]" for c in citations.itertuples())


def _footnotes(citations):
    return "\n".join(
        f"[^{c.citation_id}]: «\u00a0{escape(c.quote)}\u00a0» ({escape(c.source_id)}, {escape(c.locator)})"
        for c in citations.itertuples()
    )


def _cited(ds, column, ids):
    """The citations of some events or quantities: all of them (for the footnotes) and a lookup by id."""
    used = ds.citations[ds.citations[column].isin(ids)]
    by_id = dict(list(used.groupby(column)))
    return used, lambda key: by_id.get(key, used.iloc[:0])


def event_table(ds, events):
    """Date at its precision, title and summary, category, tone, and every citation of each event."""
    labels = ds.categories.set_index("category_id")["label"]
    used, of = _cited(ds, "event_id", events["event_id"])
    rows = []
    for e in events.itertuples():
        when = label(e.date, "" if pd.isna(e.date_end) else e.date_end)
        event = f"**{escape(e.title)}.** {escape(e.summary)}"
        rows.append([escape(when), event, escape(labels[e.category]), escape(e.tone), _cite(of(e.event_id))])
    return Markdown(markdown_table(["Date", "Event", "Category", "Tone", "Sources"], rows) + "\n\n" + _footnotes(used))


def quantity_value(q, about=True):
    """A figure as the source states it: '26,000', 'about 600', or its order of magnitude ('thousands')."""
    if pd.notna(q.value):
        text = f"{q.value:,.0f}" if float(q.value).is_integer() else f"{q.value:,}"
        return ("about " if q.approximate and about else "") + text
    return q.magnitude


def quantity_table(ds, quantities):
    """Every figure with its unit, the origin the source attributes it to, and its citation."""
    names = ds.actors.set_index("actor_id")["name_en"]
    used, of = _cited(ds, "quantity_id", quantities["quantity_id"])
    rows = []
    for q in quantities.itertuples():
        cited = of(q.quantity_id)
        origin = cited["origin"].dropna()
        who = "; ".join(names[a] for o in origin for a in o.split(";")) or "the source itself"
        if (cited["origin_basis"] == "inferred").any():
            who += " (inferred: same figure and wording as another report that names it)"
        rows.append([escape(q.measure), escape(quantity_value(q)), escape(q.unit), escape(who), _cite(cited)])
    return Markdown(
        markdown_table(["Figure", "Value", "Unit", "Attributed to", "Source"], rows) + "\n\n" + _footnotes(used)
    )


RELATIONS = {
    "contradiction": "Contradiction (both cannot be true)",
    "precision": "Difference of precision",
    "complementary": "Complementary statements",
}


def disagreement_box(disagreements, title="How the sources differ"):
    """An admonition listing each recorded difference, grouped by relation, with both quotes and the
    account the book follows; nothing when there is none."""
    if disagreements.empty:
        return Markdown("")
    items = []
    for relation, name in RELATIONS.items():
        for d in disagreements[disagreements["relation"] == relation].itertuples():
            items.append(
                f"- **{escape(d.subject)}** ({escape(name)}). {escape(d.description)} *The book:* {escape(d.resolution)}\n"
                f"  - {{cite:t}}`{d.source_a}`, {escape(d.locator_a)}: «\u00a0{escape(d.quote_a)}\u00a0»\n"
                f"  - {{cite:t}}`{d.source_b}`, {escape(d.locator_b)}: «\u00a0{escape(d.quote_b)}\u00a0»"
            )
    body = "\n".join(items)
    return Markdown(f"````{{admonition}} {escape(title)}\n:class: warning\n\n{body}\n````")


def evidence_list(ds):
    """Every citation under its own label (ev-cNNN), grouped by what it supports, so that the
    {evidence} role can link to the quote."""
    names = ds.actors.set_index("actor_id")["name_en"]
    what = {
        "event_id": ds.events.set_index("event_id")["title"],
        "quantity_id": ds.quantities.set_index("quantity_id")["measure"],
        "assessment_id": ds.assessments.set_index("assessment_id")["subject"],
    }
    kinds = {"event_id": "event", "quantity_id": "figure", "assessment_id": "source assessment"}
    parts = []
    for c in ds.citations.sort_values("citation_id").itertuples():
        column = next(k for k in what if isinstance(getattr(c, k), str))
        key = getattr(c, column)
        origin = ""
        if isinstance(c.origin, str):
            origin = (
                " Attributed to "
                + "; ".join(names[a] for a in c.origin.split(";"))
                + (" (inferred)" if c.origin_basis == "inferred" else "")
                + "."
            )
        parts.append(
            f"({'ev-' + c.citation_id.lower()})=\n**{escape(c.citation_id)}** · {kinds[column]}: "
            f"{escape(what[column][key])} · {{cite:t}}`{c.source_id}`, {escape(c.locator)}: "
            f"«\u00a0{escape(c.quote)}\u00a0»{escape(origin)}"
        )
    return Markdown("\n\n".join(parts))


def source_table(ds):
    """The five documents: kind, publisher, date and how it was established, and how much they support."""
    per_source = ds.citations.groupby("source_id", observed=True)
    events = per_source["event_id"].nunique()
    rows = []
    for s in ds.sources.itertuples():
        published = s.published if pd.notna(s.published) else "not printed"
        rows.append(
            [
                f"{{cite:p}}`{s.source_id}`",
                escape(s.title) + (" (our title)" if s.title_is_ours else ""),
                escape(s.kind),
                escape(s.publisher if pd.notna(s.publisher) else "not named"),
                escape(f"{published} ({s.published_basis})"),
                escape(str(events.get(s.source_id, 0))),
            ]
        )
    return Markdown(markdown_table(["Key", "Document", "Kind", "Publisher", "Published", "Events cited"], rows))


def data_dictionary(descriptor):
    """One table per resource, straight from datapackage.json: field, type, required, rule, meaning."""
    parts = []
    for r in descriptor["resources"]:
        schema = r["schema"]
        keys = ", ".join(schema["primaryKey"]) if isinstance(schema["primaryKey"], list) else schema["primaryKey"]
        refs = "; ".join(
            f"{', '.join(fk['fields'] if isinstance(fk['fields'], list) else [fk['fields']])} → "
            f"{fk['reference']['resource']}"
            for fk in schema.get("foreignKeys", [])
        )
        rows = []
        for f in schema["fields"]:
            c = dict(f.get("constraints", {}))
            required = "yes" if c.pop("required", False) else ""
            rule = "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in c.items())
            rows.append([f"`{f['name']}`", escape(f["type"]), required, escape(rule), escape(f.get("description", ""))])
        parts.append(
            f"### {escape(r['title'])} (`{r['path']}`)\n\n{escape(r['description'])} Primary key: "
            f"`{keys}`."
            + (f" Foreign keys: {escape(refs)}." if refs else "")
            + "\n\n"
            + markdown_table(["Field", "Type", "Required", "Constraints", "Meaning"], rows)
        )
    return Markdown("\n\n".join(parts))


def chapter_of(period_id):
    """The notebook of a period's chapter, for links from generated pages."""
    return period_id.replace("-", "_") + ".ipynb"


def actor_glossary(ds):
    """Every actor with every spelling the sources use (French, by source) and links to its events."""
    names = ds.actor_names.groupby("actor_id")
    roles = ds.event_actors.merge(ds.events[["event_id", "title", "date", "period_id"]], on="event_id")
    rows = []
    for a in ds.actors.sort_values("name_en").itertuples():
        spellings = names.get_group(a.actor_id) if a.actor_id in names.groups else ds.actor_names.iloc[:0]
        french = "; ".join(f"{escape(n.name)} {{cite:p}}`{n.source_id}`" for n in spellings.itertuples())
        mine = roles[roles["actor_id"] == a.actor_id].sort_values("date")
        events = "; ".join(
            f"[{escape(e.title)}]({chapter_of(e.period_id)}) ({escape(e.role)})" for e in mine.itertuples()
        )
        kind = escape(a.kind + (f", {a.iso3}" if pd.notna(a.iso3) else ""))
        rows.append([f"**{escape(a.name_en)}**", kind, french or "—", events or "—"])
    return Markdown(
        markdown_table(["Actor (English)", "Kind", "Spellings in the sources (French)", "Events and role"], rows)
    )
