"""The codebook (version 2), rendered from the data package so that prose and data cannot drift.

`markdown(ds)` gives plain Markdown (the second coder's copy); `markdown(ds, escape=tables.escape)`
gives MyST for the book, with every piece of dataset text escaped.
"""

import pandas as pd

FIELDS = {
    "event": "What counts as one event",
    "category": "Category: what was done",
    "scope": "Scope: who acts",
    "tone": "Tone: what it shows about the relationship",
    "intensity": "Intensity",
    "date": "Dates, spans and counting",
}


def _plain(text):
    return "" if text is None or text != text else str(text)


def _table(header, rows):
    return pd.DataFrame(rows, columns=header).to_markdown(index=False, tablefmt="github", disable_numparse=True)


def markdown(ds, escape=_plain, heading="##"):
    """The whole codebook: coding unit and fields, categories, decision rules in order, intensity anchors."""
    version = ds.descriptor.get("codebook_version", "")
    events = ds.events.set_index("event_id")
    parts = [
        f"Codebook version {escape(version)}. Each event of `events.csv` gets four codes: a **category** "
        "(what was done), a **scope** (who acts), a **tone** (what it shows about the relationship between "
        "Moscow and Pyongyang) and an **intensity** (how close or how far apart it puts them). Apply the "
        "rules of each field in their order; the first rule that decides, decides.",
        f"{heading} Categories",
        _table(
            ["Code", "Label", "Definition", "Includes", "Excludes", "Quad class"],
            [
                [
                    f"`{c.category_id}`",
                    escape(c.label),
                    escape(c.description),
                    escape(c.includes),
                    escape(c.excludes),
                    escape(c.quad_class),
                ]
                for c in ds.categories.itertuples()
            ],
        ),
    ]
    rules = ds.codebook_rules.sort_values(["order"])
    for field, title in FIELDS.items():
        parts.append(f"{heading} {title}")
        items = []
        for r in rules[rules["field"] == field].itertuples():
            example = ""
            if isinstance(r.example_event_id, str) and r.example_event_id in events.index:
                e = events.loc[r.example_event_id]
                example = (
                    f" *Example:* {escape(e['title'])} (`{r.example_event_id}`: {escape(e['category'])}, "
                    f"{escape(e['scope'])}, {escape(e['tone'])}, {int(e['intensity']):+d})."
                )
            items.append(f"{r.order}. **{r.rule_id}.** {escape(r.rule)}{example}")
        parts.append("\n".join(items))
        if field == "intensity":
            parts.append(
                _table(
                    ["Level", "Anchor", "Criteria", "Worked example"],
                    [
                        [
                            f"{int(a.level):+d}",
                            escape(a.label),
                            escape(a.criteria),
                            f"{escape(events.loc[a.example_event_id, 'title'])} (`{a.example_event_id}`)",
                        ]
                        for a in ds.intensity_anchors.sort_values("level", ascending=False).itertuples()
                    ],
                )
            )
    return "\n\n".join(parts)


CODES = ["category", "scope", "tone", "intensity"]


def uncoded_events(ds):
    """The events as a blind coder sees them: dates, place, our title and summary, and every quote,
    without the four codes."""
    quotes = (
        ds.citations.dropna(subset=["event_id"])
        .assign(text=lambda c: c["source_id"].astype(str) + ", " + c["locator"] + ": " + c["quote"])
        .groupby("event_id")["text"]
        .agg(" | ".join)
    )
    columns = ["event_id", "date", "date_end", "span", "date_note", "place", "title", "summary"]
    return ds.events[columns].assign(quotes=ds.events["event_id"].map(quotes)).sort_values("event_id")


def main(argv=None):
    """Write the blind coder's packet: the codebook and the events without their codes."""
    import argparse
    from pathlib import Path

    from . import DATA_DIR
    from .dataset import load

    parser = argparse.ArgumentParser(prog="python -m nkrussia.codebook", description=main.__doc__)
    parser.add_argument("packet", type=Path)
    parser.add_argument("--data-dir", default=DATA_DIR, type=Path)
    args = parser.parse_args(argv)
    ds = load(args.data_dir)
    args.packet.mkdir(parents=True, exist_ok=True)
    (args.packet / "codebook.md").write_text(f"# Codebook\n\n{markdown(ds)}\n", encoding="utf-8")
    uncoded_events(ds).to_csv(args.packet / "events_uncoded.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
