"""The book's tables and boxes, each a `display.Table` or `display.Block`: MyST with citations and
footnotes for the book, an HTML table for JupyterLab.

Every piece of text that comes from the dataset is escaped (`text.escape` for MyST, `html.escape` for
HTML), so a title such as `<script>` or `{cite}` renders as literal text.
"""

import html

import pandas as pd

from . import analysis
from .dates import label
from .display import Block, Cell, Table
from .text import BOUND_BASIS, HEDGED, escape, stated_as


def _cite(citations):
    """The citations' evidence marks (as in the prose): each opens its document, line, French quote and our
    translation in place, and links to its Evidence entry; in JupyterLab the document and line, with the
    quote and its translation on hover."""
    return Cell(
        f"{{evidence}}`{','.join(citations['citation_id'])}`" if len(citations) else "",
        "; ".join(
            f'<span title="«\u00a0{html.escape(c.quote)}\u00a0» (our translation: “{html.escape(str(c.quote_en))}”)">'
            f"{html.escape(c.source_id)}, {html.escape(c.locator)} [{html.escape(c.citation_id)}]</span>"
            for c in citations.itertuples()
        ),
    )


def quoted(french, english, myst=True):
    """A French quote with our English translation beside it, marked as ours."""
    if myst:
        return f"[«\u00a0{escape(french)}\u00a0»]{{.ev-fr}} (our translation: [“{escape(english)}”]{{.ev-en}})"
    return (
        f'<span lang="fr">«\u00a0{html.escape(french)}\u00a0»</span> (our translation: “{html.escape(str(english))}”)'
    )


def _cited(ds, column, ids):
    """A lookup from an event or quantity id to its citations."""
    used = ds.citations[ds.citations[column].isin(ids)]
    by_id = dict(list(used.groupby(column)))
    return lambda key: by_id.get(key, used.iloc[:0])


def _bold_lead(title, rest):
    return Cell(
        f"**{escape(title)}.** {escape(rest)}", f"<strong>{html.escape(str(title))}.</strong> {html.escape(str(rest))}"
    )


def _key(source_id):
    return Cell(f"{{cite:p}}`{source_id}`", html.escape(source_id))


def event_table(ds, events):
    """Date at its precision, title and summary, category, tone, and every citation of each event."""
    labels = ds.categories.set_index("category_id")["label"]
    of = _cited(ds, "event_id", events["event_id"])
    names = ds.actors.set_index("actor_id")["name_en"]
    rows = []
    for e in events.itertuples():
        how = stated_as(of(e.event_id), names)
        said = HEDGED.search(f"{e.title} {e.summary}")
        summary = e.summary + (f" (Reported, not established: {how}.)" if how and not said else "")
        if isinstance(e.bound_basis, str):
            summary += f" Date, with a bound taken from {BOUND_BASIS[e.bound_basis]}: {e.date_note}"
        rows.append(
            [
                label(e.date, "" if pd.isna(e.date_end) else e.date_end),
                _bold_lead(e.title, summary),
                labels[e.category],
                e.tone,
                _cite(of(e.event_id)),
            ]
        )
    return Table(["Date", "Event", "Category", "Tone", "Sources"], rows, css="nk-events-table")


def quantity_value(q, about=True):
    """A figure as the source states it: '26,000', 'nearly 600' (its own qualifier), or its order of
    magnitude ('thousands')."""
    if pd.notna(q.value):
        text = f"{q.value:,.0f}" if float(q.value).is_integer() else f"{q.value:,}"
        qualifier = q.qualifier if isinstance(q.qualifier, str) else "about"
        return (f"{qualifier} " if q.approximate and about else "") + text
    return q.magnitude


def quantity_table(ds, quantities):
    """Every figure with its unit, the origin the source attributes it to, and its citation."""
    names = ds.actors.set_index("actor_id")["name_en"]
    of = _cited(ds, "quantity_id", quantities["quantity_id"])
    rows = []
    for q in quantities.itertuples():
        cited = of(q.quantity_id)
        origin = cited["origin"].dropna()
        who = "; ".join(names[a] for o in origin for a in o.split(";")) or "the source itself"
        if (cited["origin_basis"] == "inferred").any():
            who += " (inferred: nearly the same figure and wording as another report that names it)"
        rows.append([q.measure, quantity_value(q), q.unit, who, stated_as(cited, names) or "stated", _cite(cited)])
    return Table(["Figure", "Value", "Unit", "Attributed to", "How it is stated", "Source"], rows)


RELATIONS = {
    "contradiction": "Contradiction (both cannot be true)",
    "precision": "Difference of precision",
    "complementary": "Complementary statements",
}


def disagreement_box(disagreements, title="How the sources differ"):
    """An admonition listing each recorded difference, grouped by relation, with both quotes and the
    account the book follows; None (nothing shown) when there is none."""
    if disagreements.empty:
        return None
    myst, markup = [], []
    for relation, name in RELATIONS.items():
        for d in disagreements[disagreements["relation"] == relation].itertuples():
            myst.append(
                f"- **{escape(d.subject)}** ({escape(name)}). {escape(d.description)} *The book:* {escape(d.resolution)}\n"
                f"  - {{cite:t}}`{d.source_a}`, {escape(d.locator_a)}: {quoted(d.quote_a, d.quote_a_en)}\n"
                f"  - {{cite:t}}`{d.source_b}`, {escape(d.locator_b)}: {quoted(d.quote_b, d.quote_b_en)}"
            )
            e = html.escape
            markup.append(
                f"<li><strong>{e(d.subject)}</strong> ({e(name)}). {e(d.description)} <em>The book:</em> "
                f"{e(d.resolution)}<ul><li>{e(d.source_a)}, {e(d.locator_a)}: {quoted(d.quote_a, d.quote_a_en, False)}</li>"
                f"<li>{e(d.source_b)}, {e(d.locator_b)}: {quoted(d.quote_b, d.quote_b_en, False)}</li></ul></li>"
            )
    return Block(
        f"````{{admonition}} {escape(title)}\n:class: note\n\n" + "\n".join(myst) + "\n````",
        f"<h4>{html.escape(title)}</h4><ul>{''.join(markup)}</ul>",
        f"{title}: {len(myst)} differences",
    )


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
    myst, markup = [], []
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
        myst.append(
            f"({'ev-' + c.citation_id.lower()})=\n**{escape(c.citation_id)}** · {kinds[column]}: "
            f"{escape(what[column][key])} · [{{cite:p}}`{c.source_id}`]{{.ev-doc}}, [{escape(c.locator)}]{{.ev-line}}: "
            f"{quoted(c.quote, c.quote_en)}{escape(origin)}"
        )
        e = html.escape
        markup.append(
            f"<p><strong>{e(c.citation_id)}</strong> · {kinds[column]}: {e(what[column][key])} · {e(c.source_id)}, "
            f"{e(c.locator)}: {quoted(c.quote, c.quote_en, False)}{e(origin)}</p>"
        )
    return Block("\n\n".join(myst), "".join(markup), f"{len(myst)} citations")


def source_table(ds):
    """The five documents: kind, publisher, date and how it was established, and how much they support."""
    events = ds.citations.groupby("source_id", observed=True)["event_id"].nunique()
    rows = []
    for s in ds.sources.itertuples():
        published = s.published if pd.notna(s.published) else "not printed"
        rows.append(
            [
                _key(s.source_id),
                s.title + (" (our title)" if s.title_is_ours else ""),
                s.kind,
                s.publisher if pd.notna(s.publisher) else "not named",
                f"{published} ({s.published_basis})",
                s.credits,
                str(events.get(s.source_id, 0)),
            ]
        )
    return Table(
        ["Key", "Document", "Kind", "Publisher", "Published", "What it says about itself", "Events cited"], rows
    )


def data_dictionary(descriptor):
    """One table per resource, straight from datapackage.json: field, type, required, rule, meaning."""
    myst, markup = [], []
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
            rows.append(
                [Cell(f"`{f['name']}`", html.escape(f["name"])), f["type"], required, rule, f.get("description", "")]
            )
        table = Table(["Field", "Type", "Required", "Constraints", "Meaning"], rows)
        myst.append(
            f"### {escape(r['title'])} (`{r['path']}`)\n\n{escape(r['description'])} Primary key: "
            f"`{keys}`." + (f" Foreign keys: {escape(refs)}." if refs else "") + "\n\n" + table.markdown()
        )
        markup.append(f"<h3>{html.escape(r['title'])} ({html.escape(r['path'])})</h3>{table.html()}")
    return Block("\n\n".join(myst), "".join(markup), f"{len(myst)} tables")


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
        french = Cell(
            "; ".join(f"{escape(n.name)} {{cite:p}}`{n.source_id}`" for n in spellings.itertuples()) or "—",
            "; ".join(f"{html.escape(n.name)} ({html.escape(n.source_id)})" for n in spellings.itertuples()) or "—",
        )
        events = roles[roles["actor_id"] == a.actor_id].sort_values("date")
        links = Cell(
            "; ".join(f"[{escape(e.title)}]({chapter_of(e.period_id)}) ({escape(e.role)})" for e in events.itertuples())
            or "—",
            "; ".join(f"{html.escape(e.title)} ({html.escape(e.role)})" for e in events.itertuples()) or "—",
        )
        kind = a.kind + (f", {a.iso3}" if pd.notna(a.iso3) else "")
        name = Cell(f"**{escape(a.name_en)}**", f"<strong>{html.escape(a.name_en)}</strong>")
        rows.append([name, kind, french, links])
    return Table(["Actor (English)", "Kind", "Spellings in the sources (French)", "Events and role"], rows)


def turning_table(events, turning):
    """The turning points of the index, with the bilateral events active in each turning year."""
    weights = analysis.year_weights(events[events["scope"] == "bilateral"])
    by_id = events.set_index("event_id")
    # a span whose bound is not in the documents' words says so wherever it is counted
    titles = by_id["title"] + by_id["bound_basis"].map(
        lambda b: f" (a span with a bound taken from {BOUND_BASIS[b]})" if isinstance(b, str) else ""
    )
    rows = [
        [
            str(t.year),
            f"{t.previous:+.1f}",
            f"{t.index:+.1f}",
            "; ".join(titles[i] for i in weights.loc[weights["year"] == t.year, "event_id"]),
        ]
        for t in turning.itertuples()
    ]
    return Table(["Year", "Index before", "Index", "Bilateral events active that year"], rows)


def sensitivity_table(sensitivity):
    """One row per index variant and threshold; the codings that give the same turning points share a row."""
    sens = sensitivity.assign(found=sensitivity["years"].map(lambda y: ", ".join(map(str, y)) or "none"))
    merged = sens.groupby(["variant", "threshold", "found"], sort=False).agg(
        codings=("coding", ", ".join), turning_points=("turning_points", "first")
    )
    rows = [
        [analysis.INDEX_VARIANTS[variant], f"{threshold:g}", r.codings, str(r.turning_points), found]
        for (variant, threshold, found), r in merged.iterrows()
    ]
    return Table(["Index", "Threshold", "Codings", "Turning points", "Years"], rows)


def origin_table(ds):
    """Events reported by two or more documents, with their documents and independent origins."""
    support = analysis.corroboration(ds)
    origins = analysis.origins(ds)
    titles = ds.events.set_index("event_id")["title"]
    names = ds.actors.set_index("actor_id")["name_en"]
    rows = []
    for event_id in support[support >= 2].index:
        cit = ds.citations[ds.citations["event_id"] == event_id]
        attributed = sorted({names[a] for o in cit["origin"].dropna() for a in o.split(";")})
        rows.append(
            [
                titles[event_id],
                str(int(support[event_id])),
                str(int(origins[event_id])),
                "; ".join(attributed) or "none named",
            ]
        )
    return Table(["Event", "Documents", "Independent origins", "Origins the documents name"], rows)


def precision_table(ds):
    table = analysis.precision_by_source(ds)
    rows = [[_key(s), *(str(v) for v in table.loc[s])] for s in table.index]
    return Table(["Document", "Exact day", "Month", "Year only", "Inferred or resolved"], rows)


def reliability_table(summaries):
    """Agreement and coefficient per field, one pair of columns per blind coding ({label: summary})."""
    first = next(iter(summaries.values()))
    rows = []
    for i, s in enumerate(first.itertuples()):
        row = [s.field, s.coefficient, f"{s.target:.2f}"]
        for summary in summaries.values():
            t = summary.iloc[i]
            value = "undefined" if t["value"] is None else f"{t['value']:.3f}"
            row += [f"{t['agreement']:.0%}", f"{value} ({'met' if t['met'] else 'missed'})"]
        rows.append(row)
    headers = ["Field", "Coefficient", "Target"]
    for name, summary in summaries.items():
        n = int(summary["events"].iloc[0])
        headers += [f"{name}, {n} events: agreement", f"{name}: value"]
    return Table(headers, rows)


def coding_disagreement_table(ds, disagreements, labels=("First", "Second")):
    titles = ds.events.set_index("event_id")["title"]
    rows = [
        [titles.get(r.event_id, r.event_id), r.field, r.first, r.second, r.final, r.resolution]
        for r in disagreements.itertuples()
    ]
    return Table(["Event", "Field", *labels, "Kept", "Why"], rows)
