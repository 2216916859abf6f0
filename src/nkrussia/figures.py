"""One figure style for the whole book: colour-blind-safe colours (Paul Tol), the same colour for the
same category everywhere, fixed sizes, no chart junk."""
import matplotlib.pyplot as plt
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
    ax.set_title(title, loc="left")
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
    ax.set_title(title, loc="left")
    return fig


def quantities(ds, quantities, title):
    """Every numeric figure on a log scale, one row per source statement."""
    numeric = quantities.dropna(subset=["value"])
    fig, ax = _figure(0.35 * max(len(numeric), 3) + 1.0)
    rows = [f"{m} ({u})" for m, u in zip(numeric["measure"], numeric["unit"])]
    colours = ["#4477AA" if not a else "#EE6677" for a in numeric["approximate"]]
    ax.scatter(numeric["value"].astype(float), range(len(numeric)), c=colours, s=30, zorder=3)
    ax.set_yticks(range(len(numeric)), rows)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("value (log scale)")
    ax.legend(handles=[Patch(color="#4477AA", label="exact"), Patch(color="#EE6677", label="approximate")],
              loc="lower right")
    ax.set_title(title, loc="left")
    return fig

