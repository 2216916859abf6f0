"""The explorable timeline: every event, filterable by period, category and source, each opening its
summary, citations, French quotes and our translations. One self-contained HTML block (no script from the network);
the data travels as JSON and every piece of text is inserted with textContent, never as markup."""

import json

import pandas as pd
from IPython.display import HTML

from .dates import label
from .figures import CATEGORY_COLOURS

SCRIPT = """
(function () {
  const root = document.getElementById("nk-explorer");
  const data = JSON.parse(document.getElementById("nk-explorer-data").textContent);
  const list = root.querySelector(".nk-events"), count = root.querySelector(".nk-count");
  const make = (tag, text, cls) => { const e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; };
  for (const [key, options] of Object.entries(data.filters)) {
    const select = root.querySelector(`select[data-filter="${key}"]`);
    for (const [value, text] of options) { const o = make("option", text); o.value = value; select.appendChild(o); }
    select.addEventListener("change", render);
  }
  function render() {
    const chosen = {};
    root.querySelectorAll("select[data-filter]").forEach(s => { chosen[s.dataset.filter] = s.value; });
    list.replaceChildren();
    let shown = 0;
    for (const e of data.events) {
      if (chosen.period && e.period !== chosen.period) continue;
      if (chosen.category && e.category !== chosen.category) continue;
      if (chosen.source && !e.sources.includes(chosen.source)) continue;
      shown += 1;
      const item = make("li", null, "nk-event"), details = make("details"), summary = make("summary");
      const swatch = make("span", null, "nk-swatch"); swatch.style.background = e.colour;
      summary.append(swatch, make("span", e.when, "nk-when"), make("span", e.title, "nk-title"),
                     make("span", `${e.category_label} · ${e.tone}`, "nk-meta"));
      details.append(summary, make("p", e.summary));
      if (e.note) details.append(make("p", `Date: ${e.note}`, "nk-note"));
      const quotes = make("ul", null, "nk-quotes");
      for (const c of e.citations) {
        const li = make("li"), link = make("a", c.label); link.href = c.href;
        li.append(link, document.createTextNode(`, ${c.locator}: `), make("q", c.quote),
                  make("span", ` (our translation: “${c.quote_en}”)`, "nk-en"));
        li.querySelector("q").lang = "fr";
        quotes.append(li);
      }
      details.append(quotes);
      item.append(details);
      list.append(item);
    }
    count.textContent = `${shown} of ${data.events.length} events`;
  }
  render();
})();
"""

STYLE = """
#nk-explorer .nk-filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin-bottom: 1rem; }
#nk-explorer label { display: flex; flex-direction: column; font-size: .85rem; }
#nk-explorer select { max-width: 16rem; padding: .2rem; background: var(--pst-color-surface); color: var(--pst-color-text-base); }
#nk-explorer .nk-events { list-style: none; padding-left: 0; }
#nk-explorer .nk-event { border-bottom: 1px solid var(--pst-color-border); padding: .3rem 0; }
#nk-explorer summary { cursor: pointer; }
#nk-explorer .nk-swatch { display: inline-block; width: .8rem; height: .8rem; margin-right: .4rem; border-radius: 2px; }
#nk-explorer .nk-when { font-variant-numeric: tabular-nums; margin-right: .6rem; }
#nk-explorer .nk-title { font-weight: 600; margin-right: .6rem; }
#nk-explorer .nk-meta, #nk-explorer .nk-note { font-size: .85rem; color: var(--pst-color-text-muted); }
"""


def _script_json(value):
    """JSON that cannot close the <script> element it sits in."""
    return (
        json.dumps(value, ensure_ascii=False, sort_keys=True)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def explorer_data(ds):
    categories = ds.categories.set_index("category_id")["label"]
    periods = ds.periods.set_index("period_id")["title"]
    sources = ds.sources.set_index("source_id")["title"]
    cites = ds.citations.dropna(subset=["event_id"])
    by_event = {k: g for k, g in cites.groupby("event_id")}
    events = []
    for e in ds.events.itertuples():
        mine = by_event.get(e.event_id, cites.iloc[:0])
        events.append(
            {
                "id": e.event_id,
                "when": label(e.date, "" if pd.isna(e.date_end) else e.date_end),
                "period": e.period_id,
                "category": e.category,
                "category_label": categories[e.category],
                "colour": CATEGORY_COLOURS[e.category],
                "tone": e.tone,
                "title": e.title,
                "summary": e.summary,
                "note": "" if pd.isna(e.date_note) else e.date_note,
                "sources": sorted(set(mine["source_id"].astype(str))),
                "citations": [
                    {
                        "label": c.source_id,
                        "href": f"evidence.html#ev-{c.citation_id.lower()}",  # the label tables.evidence_list sets
                        "locator": c.locator,
                        "quote": c.quote,
                        "quote_en": c.quote_en,
                    }
                    for c in mine.itertuples()
                ],
            }
        )
    filters = {
        "period": [[p, t] for p, t in periods.items()],
        "category": [[c, label] for c, label in categories.items() if c in set(ds.events["category"].astype(str))],
        "source": [[s, t] for s, t in sources.items()],
    }
    return {"events": events, "filters": filters}


def explorer(ds):
    selects = "".join(
        f'<label>{name}<select data-filter="{key}"><option value="">All</option></select></label>'
        for key, name in (("period", "Period"), ("category", "Category"), ("source", "Source"))
    )
    return HTML(
        f'<style>{STYLE}</style><div id="nk-explorer"><form class="nk-filters" role="search">{selects}'
        f'<span class="nk-count" aria-live="polite"></span></form><ol class="nk-events"></ol></div>'
        f'<script type="application/json" id="nk-explorer-data">{_script_json(explorer_data(ds))}</script>'
        f"<script>{SCRIPT}</script>"
    )
