"""One figure style for the whole book: colour-blind-safe colours (Paul Tol), the same colour for the
same category everywhere, fixed sizes, no chart junk."""
import textwrap

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

WIDTH = 7.5  # inches: the book's text column at 100 dpi
CATEGORY_COLOURS = {  # Tol 'muted' plus two greys
    "meet_visit": "#332288", "agree_sign": "#88CCEE", "support": "#44AA99", "criticise": "#882255",
    "military_cooperation": "#117733", "economic_cooperation": "#999933", "cultural_exchange": "#DDCC77",
    "aid": "#CC6677", "reduce_relations": "#AA4499", "military_action": "#555555", "domestic": "#BBBBBB",
}
TONE_COLOURS = {"cooperation": "#4477AA", "neutral": "#BBBBBB", "friction": "#EE6677"}  # Tol 'bright'
STYLE = {
    "figure.dpi": 100, "savefig.dpi": 100, "font.size": 10, "axes.titlesize": 11, "axes.titleweight": "bold",
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "axes.grid.axis": "x",
    "grid.color": "#dddddd", "grid.linewidth": 0.6, "axes.axisbelow": True, "legend.frameon": False,
    "figure.facecolor": "white", "axes.facecolor": "white", "svg.hashsalt": "nkrussia",
    "path.simplify": False,
}
plt.rcParams.update(STYLE)


def _figure(height):
    fig, ax = plt.subplots(figsize=(WIDTH, height), layout="constrained")
    return fig, ax


def _title(fig, title):
    """Figure titles sit at the top left of the figure, whatever the width of the axis labels."""
    fig.suptitle(title, x=0.01, ha="left", fontsize=11, fontweight="bold")


def _labels(ds):
    return ds.categories.set_index("category_id")["label"].to_dict()


def timeline(ds, events, title):
    """Each event as a bar over the whole span its date allows (a year-precision date spans the year),
    one row per category; day-precision events are marked with a dot as well."""
    labels = _labels(ds)
    cats = [c for c in ds.categories["category_id"] if c in set(events["category"].astype(str))]
    fig, ax = _figure(0.45 * max(len(cats), 3) + 1.2)
    for row, cat in enumerate(cats):
        sub = events[events["category"] == cat]
        width = (sub["end"] - sub["start"]).dt.days + 1
        ax.barh([row] * len(sub), width, left=sub["start"], height=0.55, color=CATEGORY_COLOURS[cat], alpha=0.55,
                edgecolor=CATEGORY_COLOURS[cat], linewidth=0.8)
        exact = sub[sub["precision"] == "day"]
        ax.plot(exact["start"], [row] * len(exact), "o", ms=4, color=CATEGORY_COLOURS[cat])
    ax.set_yticks(range(len(cats)), [labels[c] for c in cats])
    ax.invert_yaxis()
    _title(fig, title)
    ax.set_xlabel("Bars cover the whole span a date allows (a year-precision date fills its year); dots mark exact days")
    ax.xaxis.label.set_size(8)
    return fig


def category_tone(ds, events, title):
    """Events per category, stacked by tone."""
    labels = _labels(ds)
    table = pd.crosstab(events["category"].astype(str), events["tone"].astype(str))
    table = table.reindex(index=[c for c in ds.categories["category_id"] if c in table.index],
                          columns=[t for t in TONE_COLOURS if t in table.columns])
    fig, ax = _figure(0.4 * max(len(table), 3) + 1.0)
    left = pd.Series(0, index=table.index)
    for tone in table.columns:
        ax.barh([labels[c] for c in table.index], table[tone], left=left, color=TONE_COLOURS[tone], label=tone)
        left += table[tone]
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("events")
    ax.legend(title="tone", loc="lower right")
    _title(fig, title)
    return fig


def quantities(ds, quantities, title):
    """Every numeric figure on a log scale, one row per source statement."""
    numeric = quantities.dropna(subset=["value"])
    source = ds.citations.dropna(subset=["quantity_id"]).set_index("quantity_id")["source_id"]
    fig, ax = _figure(0.35 * max(len(numeric), 3) + 1.0)
    rows = [f"{m} ({u}), {source[q]}" for q, m, u in zip(numeric["quantity_id"], numeric["measure"], numeric["unit"])]
    colours = ["#4477AA" if not a else "#EE6677" for a in numeric["approximate"]]
    ax.scatter(numeric["value"].astype(float), range(len(numeric)), c=colours, s=30, zorder=3)
    ax.set_yticks(range(len(numeric)), rows)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("value (log scale)")
    ax.legend(handles=[Patch(color="#4477AA", label="exact"), Patch(color="#EE6677", label="approximate")],
              loc="lower right")
    _title(fig, title)
    return fig



def _period_bands(ax, periods, label=True):
    """Alternate light bands for the periods, named at the top."""
    for i, p in enumerate(periods.itertuples()):
        first, last = pd.Timestamp(int(p.start), 1, 1), pd.Timestamp(int(p.end), 12, 31)
        ax.axvspan(first, last, color="#f2f2f2" if i % 2 == 0 else "white", zorder=0)
        if label:
            ax.text(first + (last - first) / 2, 1.01, textwrap.fill(p.title, 14), transform=ax.get_xaxis_transform(),
                    ha="center", va="bottom", fontsize=6.5, linespacing=1.0)


def overview_timeline(ds, title):
    """Every event over the whole history, one row per category, with the six periods as bands."""
    fig = timeline(ds, ds.events, title)
    ax = fig.axes[0]
    _period_bands(ax, ds.periods)
    ax.set_title("")
    return fig


def per_year_with_sources(counts, sources, title):
    """Events per year (spread over their spans) above the number of documents covering each year."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(WIDTH, 4.2), sharex=True, layout="constrained",
                                      gridspec_kw={"height_ratios": [3, 1.4]})
    top.bar(counts.index, counts.values, color="#4477AA", width=0.85)
    top.set_ylabel("events")
    _title(fig, title)
    bottom.bar(sources.index, sources.values, color="#BBBBBB", width=0.85)
    bottom.set_ylabel("documents")
    bottom.yaxis.get_major_locator().set_params(integer=True)
    bottom.set_xlabel("year (an event known only to the year, or lasting several years, is spread over them)")
    bottom.xaxis.label.set_size(8)
    for ax in (top, bottom):
        ax.grid(axis="y", color="#dddddd")
        ax.grid(axis="x", visible=False)
    return fig


QUAD_COLOURS = {"verbal cooperation": "#88CCEE", "material cooperation": "#4477AA", "verbal conflict": "#EE9988",
                "material conflict": "#CC3311", "none": "#DDDDDD"}


def _shares_per_period(ds, column, colours, labels, title):
    """100 % horizontal bars: the share of each value of `column` in each period's events."""
    table = pd.crosstab(ds.events["period_id"], ds.events[column].astype(str), normalize="index")
    table = table.reindex(index=list(ds.periods["period_id"]), columns=[c for c in colours if c in table.columns],
                          fill_value=0)
    names = ds.periods.set_index("period_id")["title"]
    fig, ax = _figure(3.6)
    left = pd.Series(0.0, index=table.index)
    for value in table.columns:
        ax.barh([names[p] for p in table.index], table[value], left=left, color=colours[value], label=labels[value])
        left += table[value]
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.legend(ncols=3, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    _title(fig, title)
    return fig


def category_mix(ds, title):
    """Share of each category in each period's events, in the book's category colours."""
    return _shares_per_period(ds, "category", CATEGORY_COLOURS, _labels(ds), title)


def quad_balance(ds, title):
    """Share of each PLOVER/CAMEO quad class (verbal/material cooperation/conflict) per period."""
    return _shares_per_period(ds, "quad_class", QUAD_COLOURS, {q: q for q in QUAD_COLOURS}, title)


def tone_index_chart(index, turning, periods, title):
    """The cooperation-friction index per year, with turning points circled."""
    fig, ax = _figure(3.2)
    known = index.dropna()
    dates = [pd.Timestamp(int(y), 7, 1) for y in known.index]
    _period_bands(ax, periods, label=False)
    ax.axhline(0, color="#888888", linewidth=0.8)
    ax.plot(dates, known.values, "-o", color="#4477AA", ms=3, linewidth=1)
    ax.plot([pd.Timestamp(int(y), 7, 1) for y in turning["year"]], turning["index"], "o", ms=9, mfc="none",
            mec="#EE6677", mew=1.5, label="turning point")
    ax.set_ylim(-10, 10)
    ax.set_ylabel("index (-10 … +10)")
    ax.grid(axis="y", color="#dddddd")
    ax.legend(loc="lower left")
    _title(fig, title)
    return fig


def source_heatmap(matrix, ds, title):
    """Events each document supports in each period."""
    fig, ax = _figure(2.8)
    ax.imshow(matrix.values, cmap="Blues", aspect="auto")
    ax.set_xticks(range(matrix.shape[1]), ds.periods.set_index("period_id")["title"][matrix.columns], rotation=20,
                  ha="right", fontsize=8)
    ax.set_yticks(range(matrix.shape[0]), matrix.index, fontsize=8)
    for (i, j), value in np.ndenumerate(matrix.values):
        ax.text(j, i, str(value), ha="center", va="center", fontsize=8,
                color="white" if value > matrix.values.max() / 2 else "black")
    ax.grid(False)
    _title(fig, title)
    return fig
