"""The explorable timeline: every event, found by text (titles, summaries, French quotes and our
translations) and filtered by period, category, tone, scope, actor, source and years; each opens its
summary, codes, citations with their quotes, and links to its chapter. The view lives in the page's
address (`#q=…&period=…`, `#event=ID` for one event), so Back, a bookmark or a shared link shows the same
list; the rows shown download as CSV. One self-contained HTML block (no script from the network); the data
travels as JSON and every piece of text is inserted with textContent, never as markup."""

import html
import json

import pandas as pd
from IPython.display import HTML

from .dates import label
from .display import Block
from .figures import CATEGORY_COLOURS
from .tables import chapter_of
from .text import BOUND_BASIS, escape

FILTERS = [  # (key, label): the selects, in the order shown
    ("period", "Period"),
    ("category", "Category"),
    ("tone", "Tone"),
    ("scope", "Scope"),
    ("actor", "Actor"),
    ("source", "Source"),
]

SCRIPT = """
(function () {
  const root = document.getElementById("nk-explorer");
  const data = JSON.parse(document.getElementById("nk-explorer-data").textContent);
  const list = root.querySelector(".nk-events"), count = root.querySelector(".nk-count");
  const search = root.querySelector("input[name=q]"), from = root.querySelector("input[name=from]");
  const to = root.querySelector("input[name=to]"), download = root.querySelector(".nk-download");
  const selects = [...root.querySelectorAll("select[data-filter]")];
  const make = (tag, text, cls) => { const e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; };
  for (const select of selects) {
    for (const [value, text] of data.filters[select.dataset.filter]) { const o = make("option", text); o.value = value; select.appendChild(o); }
  }
  const fold = (s) => s.normalize("NFD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase();
  for (const e of data.events) e.text = fold([e.title, e.summary, ...e.citations.flatMap(c => [c.quote, c.quote_en])].join(" "));

  function state() {  // the view, from the page's address
    const s = new URLSearchParams(location.hash.slice(1));
    return Object.fromEntries(s.entries());
  }
  function write() {  // the view, into the page's address (Back returns to it)
    const s = new URLSearchParams();
    if (search.value.trim()) s.set("q", search.value.trim());
    for (const select of selects) if (select.value) s.set(select.dataset.filter, select.value);
    if (from.value) s.set("from", from.value);
    if (to.value) s.set("to", to.value);
    history.replaceState(null, "", "#" + s.toString());
    render(state());
  }
  function matches(e, s) {
    if (s.event) return e.id === s.event;
    if (s.q && !fold(s.q).split(/\\s+/).every(w => e.text.includes(w))) return false;
    for (const key of ["period", "category", "tone", "scope"]) if (s[key] && e[key] !== s[key]) return false;
    if (s.actor && !e.actors.includes(s.actor)) return false;
    if (s.source && !e.sources.includes(s.source)) return false;
    if (s.from && e.last < Number(s.from)) return false;
    if (s.to && e.first > Number(s.to)) return false;
    return true;
  }
  function card(e, open) {
    const item = make("li", null, "nk-event"), details = make("details"), summary = make("summary");
    item.id = "event-" + e.id;
    details.open = open;
    const swatch = make("span", null, "nk-swatch"); swatch.style.background = e.colour;
    summary.append(swatch, make("span", e.when, "nk-when"), make("span", e.title, "nk-title"),
                   make("span", `${e.category_label} · ${e.tone}`, "nk-meta"));
    details.append(summary, make("p", e.summary));
    const codes = make("p", `${e.id} · ${e.category} · ${e.scope} · ${e.tone} · intensity ${e.intensity}`, "nk-codes");
    details.append(codes);
    if (e.note) details.append(make("p", `Date: ${e.note}`, "nk-note"));
    const quotes = make("ul", null, "nk-quotes");
    for (const c of e.citations) {
      const li = make("li"), link = make("a", c.label); link.href = c.href;
      const q = make("q", c.quote); q.lang = "fr";
      li.append(link, document.createTextNode(`, ${c.locator}: `), q, make("span", ` (our translation: “${c.quote_en}”)`, "nk-en"));
      quotes.append(li);
    }
    details.append(quotes);
    const links = make("p", null, "nk-links"), chapter = make("a", `In its chapter: ${e.period_label}`);
    chapter.href = e.chapter;
    const permalink = make("a", "Link to this event"); permalink.href = "#event=" + encodeURIComponent(e.id);
    links.append(chapter, document.createTextNode(" · "), permalink);
    details.append(links);
    item.append(details);
    return item;
  }
  function render(s) {
    search.value = s.q || "";
    for (const select of selects) select.value = s[select.dataset.filter] || "";
    from.value = s.from || ""; to.value = s.to || "";
    const shown = data.events.filter(e => matches(e, s));
    list.replaceChildren(...shown.map(e => card(e, Boolean(s.event))));
    count.textContent = s.event ? `event ${s.event}` : `${shown.length} of ${data.events.length} events`;
    const rows = [data.columns, ...shown.map(e => data.columns.map(k => e[k]))];
    const csv = rows.map(r => r.map(v => `"${String(v ?? "").replace(/"/g, '""')}"`).join(",")).join("\\n");
    download.href = URL.createObjectURL(new Blob([csv + "\\n"], { type: "text/csv" }));
    if (s.event) { const el = document.getElementById("event-" + s.event); if (el) el.scrollIntoView(); }
  }
  root.querySelector("form").addEventListener("submit", (ev) => ev.preventDefault());
  for (const control of [search, from, to, ...selects]) control.addEventListener("input", write);
  window.addEventListener("hashchange", () => render(state()));
  window.addEventListener("pageshow", () => render(state()));  // Back: the address, not the form, is the truth
  render(state());
})();
"""

STYLE = """
#nk-explorer .nk-filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin-bottom: 1rem; }
#nk-explorer label { display: flex; flex-direction: column; font-size: .85rem; }
#nk-explorer select, #nk-explorer input { max-width: 16rem; min-height: 2rem; padding: .2rem; background: var(--pst-color-surface); color: var(--pst-color-text-base); border: 1px solid var(--pst-color-border); }
#nk-explorer input[type=number] { width: 6rem; }
#nk-explorer .nk-events { list-style: none; padding-left: 0; }
#nk-explorer .nk-event { border-bottom: 1px solid var(--pst-color-border); padding: .3rem 0; }
#nk-explorer summary { cursor: pointer; min-height: 24px; }
#nk-explorer .nk-swatch { display: inline-block; width: .8rem; height: .8rem; margin-right: .4rem; border-radius: 2px; }
#nk-explorer .nk-when { font-variant-numeric: tabular-nums; margin-right: .6rem; }
#nk-explorer .nk-title { font-weight: 600; margin-right: .6rem; }
#nk-explorer .nk-meta, #nk-explorer .nk-note, #nk-explorer .nk-codes { font-size: .85rem; color: var(--pst-color-text-muted); }
#nk-explorer .nk-links a, #nk-explorer .nk-download { display: inline-block; min-height: 24px; padding: .1rem 0; }
"""

COLUMNS = ["id", "when", "title", "summary", "category", "scope", "tone", "intensity", "period", "sources"]


def _script_json(value):
    """JSON that cannot close the <script> element it sits in."""
    return (
        json.dumps(value, ensure_ascii=False, sort_keys=True)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def when(e):
    """An event's date as shown, saying where a bound comes from when not from the documents' words."""
    basis = f" (a bound taken from {BOUND_BASIS[e.bound_basis]})" if isinstance(e.bound_basis, str) else ""
    return label(e.date, "" if pd.isna(e.date_end) else e.date_end) + basis


def explorer_data(ds):
    categories = ds.categories.set_index("category_id")["label"]
    periods = ds.periods.set_index("period_id")
    period_label = {p: f"{r['title']}, {r['start']}–{r['end']}" for p, r in periods.iterrows()}
    sources = ds.sources.set_index("source_id")["title"]
    actors = ds.actors.set_index("actor_id")["name_en"]
    by_actor = ds.event_actors.groupby("event_id")["actor_id"].agg(lambda a: sorted(set(a)))
    cites = ds.citations.dropna(subset=["event_id"])
    by_event = {k: g for k, g in cites.groupby("event_id")}
    events = []
    for e in ds.events.itertuples():
        mine = by_event.get(e.event_id, cites.iloc[:0])
        events.append(
            {
                "id": e.event_id,
                "when": when(e),
                "first": int(e.start.year),
                "last": int(e.end.year),
                "period": e.period_id,
                "period_label": period_label[e.period_id],
                "chapter": chapter_of(e.period_id).replace(".ipynb", ".html"),
                "category": e.category,
                "category_label": categories[e.category],
                "colour": CATEGORY_COLOURS[e.category],
                "tone": e.tone,
                "scope": e.scope,
                "intensity": int(e.intensity),
                "actors": by_actor.get(e.event_id, []),
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
    used = set(ds.events["category"].astype(str))
    involved = {a for ids in by_actor for a in ids}
    filters = {
        "period": [[p, period_label[p]] for p in periods.index],
        "category": [[c, name] for c, name in categories.items() if c in used],
        "tone": [[t, t] for t in ["cooperation", "neutral", "friction"]],
        "scope": [[s, s] for s in ["bilateral", "multilateral", "context"]],
        "actor": sorted(([a, actors[a]] for a in involved), key=lambda pair: pair[1]),
        "source": [[s, f"{s}: {t}"] for s, t in sources.items()],
    }
    return {"events": events, "filters": filters, "columns": COLUMNS}


def explorer(ds):
    selects = "".join(
        f'<label>{name}<select data-filter="{key}"><option value="">All</option></select></label>'
        for key, name in FILTERS
    )
    years = f"{int(ds.events['start'].dt.year.min())}–{int(ds.events['end'].dt.year.max())}"
    return HTML(
        f'<style>{STYLE}</style><div id="nk-explorer"><form class="nk-filters" role="search">'
        '<label>Search (titles, summaries, quotes in French and English)<input type="search" name="q"></label>'
        f"{selects}"
        f'<label>From year<input type="number" name="from" inputmode="numeric" placeholder="{years[:4]}"></label>'
        f'<label>To year<input type="number" name="to" inputmode="numeric" placeholder="{years[-4:]}"></label>'
        '<span class="nk-count" aria-live="polite"></span>'
        '<a class="nk-download" download="events.csv" href="#">Download these events (CSV)</a></form>'
        '<ol class="nk-events"></ol></div>'
        f'<script type="application/json" id="nk-explorer-data">{_script_json(explorer_data(ds))}</script>'
        f"<script>{SCRIPT}</script>"
    )


def event_list(ds):
    """Every event as a plain list, folded away under the explorer: what the book's search indexes (the
    explorer's own list is drawn by its script), and the events for a reader without JavaScript."""
    myst, markup = [], []
    for e in ds.events.itertuples():
        myst.append(f"- {escape(when(e))}: **{escape(e.title)}** ({escape(e.event_id)}). {escape(e.summary)}")
        markup.append(
            f"<li>{html.escape(when(e))}: <strong>{html.escape(e.title)}</strong>. {html.escape(e.summary)}</li>"
        )
    return Block(
        "````{admonition} Every event as a list (for search, and without JavaScript)\n:class: dropdown\n\n"
        + "\n".join(myst)
        + "\n````",
        f"<details><summary>Every event as a list</summary><ul>{''.join(markup)}</ul></details>",
        f"{len(myst)} events",
    )
