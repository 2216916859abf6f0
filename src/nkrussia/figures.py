"""One figure style for the whole book: colour-blind-safe colours (Paul Tol), the same colour for the
same category everywhere, fixed sizes, no chart junk."""

import functools
import io
import textwrap

import matplotlib.colors
import matplotlib.dates
import matplotlib.patches
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd

from . import analysis

# Inches. Figures are SVGs that scale to the text column: 5 in (360 pt) shown 342 CSS px wide on a
# 390 px phone keeps SMALL-point text at 8.5 px or more; on a desktop they are shown up to 576 px.
WIDTH = 5.0
SMALL = 9  # points: the smallest text in any figure
CATEGORY_COLOURS = {  # Tol 'muted' plus two greys
    "meet_visit": "#332288",
    "agree_sign": "#88CCEE",
    "support": "#44AA99",
    "criticise": "#882255",
    "military_cooperation": "#117733",
    "economic_cooperation": "#999933",
    "cultural_exchange": "#DDCC77",
    "aid": "#CC6677",
    "reduce_relations": "#AA4499",
    "military_action": "#555555",
    "domestic": "#BBBBBB",
    "statement": "#6699CC",
}
TONE_COLOURS = {"cooperation": "#4477AA", "neutral": "#BBBBBB", "friction": "#EE6677"}  # Tol 'bright'
STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
    "xtick.labelsize": SMALL,
    "ytick.labelsize": SMALL,
    "legend.fontsize": SMALL,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "x",
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "legend.frameon": False,
    # Transparent, so that a figure sits on the page in light and (inverted, see _static) dark mode.
    "figure.facecolor": "none",
    "axes.facecolor": "none",
    "savefig.transparent": True,
    # Text stays text in the SVG: it scales with the figure and is read at the page's size.
    "svg.fonttype": "none",
    "svg.hashsalt": "nkrussia",
    "path.simplify": False,
}


def styled(draw):
    """Draw under the book's style without changing matplotlib's global settings (a notebook that
    imports the package keeps its own)."""

    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        with plt.rc_context(STYLE):
            return draw(*args, **kwargs)

    return drawn


def svg(fig):
    """The figure as SVG text (text kept as text, no date, fixed ids: same figure, same bytes); closes it.
    The save settings (transparency, fonts, ids) are read at save time, so they are applied here too."""
    buffer = io.StringIO()
    with plt.rc_context(STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def _figure(height):
    fig, ax = plt.subplots(figsize=(WIDTH, height), layout="constrained")
    return fig, ax


def _title(fig, title):
    """Figure titles sit at the top left of the figure, whatever the width of the axis labels."""
    fig.suptitle(textwrap.fill(title, 52), x=0.01, ha="left", fontsize=11, fontweight="bold")


def _labels(ds):
    return ds.categories.set_index("category_id")["label"].to_dict()


def _darker(colour, by=0.45):
    """The colour darkened, for hatching and edges that must show on white (light categories included)."""
    r, g, b = matplotlib.colors.to_rgb(colour)
    return (r * (1 - by), g * (1 - by), b * (1 - by))


def _cut_marks(ax, row, start, end, window, offset, **style):
    """'◀ from 1950' and 'to 1991 ▶' at the window's edges, for a span that began before or ends after it."""
    first, last = window
    dx, dy = offset
    if start < first:
        ax.annotate(
            f"◀ from {start.year}", (first, row), xytext=(dx, dy), textcoords="offset points", fontsize=SMALL, **style
        )
    if end > last:
        ax.annotate(
            f"to {end.year} ▶",
            (last, row),
            xytext=(-dx, dy),
            textcoords="offset points",
            fontsize=SMALL,
            ha="right",
            **style,
        )


@styled
def timeline(ds, events, title, window=None):
    """Each event as a bar over the span its date allows, one row per category; dots mark exact days.
    A duration is drawn solid, a window (an unknown moment inside the span) hatched. With `window`
    (first day, last day) the axis shows only that window: a bar that began before or ends after it is
    cut at the edge, with an arrow and the year it began or ends."""
    labels = _labels(ds)
    cats = [c for c in ds.categories["category_id"] if c in set(events["category"].astype(str))]
    fig, ax = _figure(0.45 * max(len(cats), 3) + 1.3)
    first, last = window if window else (events["start"].min(), events["end"].max())
    for row, cat in enumerate(cats):
        sub = events[events["category"] == cat]
        start, end = sub["start"].clip(lower=first), sub["end"].clip(upper=last)
        width = (end - start).dt.days + 1
        hatched = (sub["span"].astype(object) == "window").to_numpy()
        for solid in (True, False):
            pick = hatched != solid
            ax.barh(
                [row] * int(pick.sum()),
                width[pick],
                left=start[pick],
                height=0.55,
                # a duration solid; a window white with the category's hatching, which shows (it is drawn
                # in the edge colour, so it must not be the fill's); every bar at full strength
                color=CATEGORY_COLOURS[cat] if solid else "white",
                alpha=0.85,
                hatch=None if solid else "////",
                edgecolor=_darker(CATEGORY_COLOURS[cat]),
                linewidth=0.8,
            )
        exact = sub[sub["precision"] == "day"]
        ax.plot(exact["start"], [row] * len(exact), "o", ms=4, color=CATEGORY_COLOURS[cat])
        for e in sub.itertuples():
            _cut_marks(ax, row, e.start, e.end, (first, last), (2, 7), va="bottom")
    margin = (last - first) * 0.01
    ax.set_xlim(first - margin, last + margin)
    locator = matplotlib.dates.AutoDateLocator(minticks=3, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(matplotlib.dates.ConciseDateFormatter(locator, show_offset=False))
    ax.set_yticks(range(len(cats)), [labels[c] for c in cats])
    ax.invert_yaxis()
    _title(fig, title)
    ax.set_xlabel(
        textwrap.fill(
            "date (solid bar: the event lasted through it; hatched: it happened at an unknown moment "
            "inside it; dot: exact day)",
            45,
        )
    )
    ax.xaxis.label.set_size(SMALL)
    return fig


def _wrapped(text, width=34):
    """A row label in at most two lines."""
    lines = textwrap.wrap(text, width)
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


@styled
def event_timeline(ds, events, labelled, title, window):
    """The period's events by name: one row per labelled event (in order of start), coloured by category,
    solid for a duration, hatched for a window, a dot for an exact day; the other events are marked in the
    last row at their start. Spans that began before or end after the window are cut at its edge, with the
    year they began or end."""
    named = events[events["event_id"].isin(labelled)].sort_values(["start", "end"])
    others = events[~events["event_id"].isin(labelled)]
    fig, ax = _figure(0.42 * (len(named) + bool(len(others))) + 2.2)
    first, last = window
    for row, e in enumerate(named.itertuples()):
        start, end = max(e.start, first), min(e.end, last)
        colour = CATEGORY_COLOURS[str(e.category)]
        if e.precision == "day" and e.start == e.end:
            ax.plot([e.start], [row], "o", ms=6, color=colour, mec=_darker(colour), zorder=3)
            continue
        window_span = str(e.span) == "window"
        ax.barh(
            row,
            (end - start).days + 1,
            left=start,
            height=0.6,
            color=matplotlib.colors.to_rgba(colour, 0.35) if window_span else colour,
            edgecolor=_darker(colour),
            hatch="////" if window_span else None,
            linewidth=0.8,
        )
        _cut_marks(ax, row, e.start, e.end, window, (3, 0), va="center", color="black" if window_span else "white")
    rows = [_wrapped(e.title) for e in named.itertuples()]
    if len(others):
        row = len(named)
        starts = others["start"].clip(lower=first)
        ax.scatter(
            starts,
            [row] * len(others),
            marker="|",
            s=120,
            linewidths=1.6,
            c=[CATEGORY_COLOURS[c] for c in others["category"].astype(str)],
            zorder=3,
        )
        rows.append(f"{len(others)} other events, at\ntheir start (see the explorer)")
    margin = (last - first) * 0.01
    ax.set_xlim(first - margin, last + margin)
    locator = matplotlib.dates.AutoDateLocator(minticks=3, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(matplotlib.dates.ConciseDateFormatter(locator, show_offset=False))
    ax.set_yticks(range(len(rows)), rows, fontsize=SMALL)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    used = [c for c in ds.categories["category_id"] if c in set(events["category"].astype(str))]
    labels = _labels(ds)
    handles = [
        matplotlib.patches.Patch(facecolor=CATEGORY_COLOURS[c], edgecolor=_darker(CATEGORY_COLOURS[c]), label=labels[c])
        for c in used
    ]
    fig.legend(handles=handles, ncols=2, fontsize=SMALL, loc="outside lower center")
    ax.set_xlabel(
        textwrap.fill(
            "date (solid: the event lasted through the span; hatched: it happened at an unknown moment in it; dot: an exact day)",
            36,
        ),
        fontsize=SMALL,
    )
    _title(fig, title)
    return fig


def labelled_events(events, everything=16, at_most=12):
    """The events a period's timeline names: all of them when there are at most `everything`; otherwise every
    agreement and the events at the period's highest intensity levels, as many levels as fit in `at_most`."""
    if len(events) <= everything:
        return list(events["event_id"])
    level = events["intensity"].astype(int).abs()
    chosen = events["category"].astype(str) == "agree_sign"
    for top in sorted(set(level), reverse=True):
        if top == 0 or (chosen | (level >= top)).sum() > at_most:
            break
        chosen = chosen | (level >= top)
    return list(events.loc[chosen, "event_id"])


@styled
def category_tone(ds, events, title):
    """Events per category, stacked by tone."""
    labels = _labels(ds)
    table = pd.crosstab(events["category"].astype(str), events["tone"].astype(str))
    table = table.reindex(
        index=[c for c in ds.categories["category_id"] if c in table.index],
        columns=[t for t in TONE_COLOURS if t in table.columns],
    )
    fig, ax = _figure(0.4 * max(len(table), 3) + 1.0)
    left = pd.Series(0, index=table.index)
    for tone in table.columns:
        ax.barh(
            [labels[c] for c in table.index],
            table[tone],
            left=left,
            color=TONE_COLOURS[tone],
            edgecolor=_darker(TONE_COLOURS[tone]),
            linewidth=0.8,
            label=tone,
        )
        left += table[tone]
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("events")
    ax.legend(title="tone", loc="lower right")
    _title(fig, title)
    return fig


def _period_bands(ax, periods, label=True):
    """Every other period as a light band; with `label`, the periods numbered at the top (too narrow to
    name there) and named in a key returned for the axis label."""
    for i, p in enumerate(periods.itertuples()):
        first, last = pd.Timestamp(int(p.start), 1, 1), pd.Timestamp(int(p.end), 12, 31)
        if i % 2 == 0:
            ax.axvspan(first, last, color="#eeeeee", zorder=0)
        if label:
            ax.text(
                first + (last - first) / 2,
                1.01,
                str(i + 1),
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=SMALL,
            )
    return "periods: " + "; ".join(f"{i + 1} {p.title}" for i, p in enumerate(periods.itertuples()))


@styled
def overview_timeline(ds, title, events=None):
    """Every event over the whole history, one row per category, with the six periods as bands."""
    fig = timeline(ds, ds.events if events is None else events, title)
    ax = fig.axes[0]
    key = _period_bands(ax, ds.periods)
    ax.set_xlabel(ax.get_xlabel() + "\n" + textwrap.fill(key, 45))
    ax.set_title("")
    return fig


@styled
def per_year_with_sources(counts, sources, title):
    """Events per year (counting rule D4) above the number of documents covering each year."""
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(WIDTH, 4.2), sharex=True, layout="constrained", gridspec_kw={"height_ratios": [3, 1.4]}
    )
    top.bar(counts.index, counts.values, color="#4477AA", width=0.85)
    top.set_ylabel("events")
    _title(fig, title)
    bottom.bar(sources.index, sources.values, color="#BBBBBB", width=0.85)
    bottom.set_ylabel("documents")
    bottom.yaxis.get_major_locator().set_params(integer=True)
    bottom.set_xlabel(
        textwrap.fill(
            "year (counting rule D4: a lasting event counts in each of its years, a window is shared across them)",
            45,
        )
    )
    bottom.xaxis.label.set_size(SMALL)
    for ax in (top, bottom):
        ax.grid(axis="y", color="#dddddd")
        ax.grid(axis="x", visible=False)
    return fig


QUAD_COLOURS = {
    "verbal cooperation": "#88CCEE",
    "material cooperation": "#4477AA",
    "verbal conflict": "#EE9988",
    "material conflict": "#CC3311",
    "none": "#DDDDDD",
}


def _shares_per_period(ds, column, colours, labels, title, codings=None, scopes=None):
    """100 % horizontal bars: the share of each value of `column` in each period's events, counted by
    rule D4. Given `codings` (the events under the first and the second coding), two bars per period;
    given `scopes`, only the events of those scopes count."""
    codings = [("", ds.events)] if codings is None else [(" (1st)", codings[0]), (" (2nd)", codings[1])]
    if scopes is not None:
        codings = [(name, events[events["scope"].isin(scopes)]) for name, events in codings]
    names = ds.periods.set_index("period_id")["title"]
    bars = []
    for period in ds.periods["period_id"]:
        for suffix, events in codings:
            table = analysis.period_shares(events, ds.periods, column)
            bars.append((names[period] + suffix, table.loc[period]))
    fig, ax = _figure(0.5 * len(bars) + 1.4)
    left = np.zeros(len(bars))
    for value in [c for c in colours if any(c in row.index for _, row in bars)]:
        widths = np.array([row.get(value, 0.0) for _, row in bars])
        ax.barh(
            [name for name, _ in bars],
            widths,
            left=left,
            color=colours[value],
            edgecolor=_darker(colours[value]),
            linewidth=0.8,
            label=labels[value],
        )
        left += widths
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("share of the period's events (counting rule D4)", fontsize=SMALL)
    fig.legend(*ax.get_legend_handles_labels(), ncols=2, fontsize=SMALL, loc="outside lower center")
    _title(fig, title)
    return fig


@styled
def category_mix(ds, title, codings=None):
    """Share of each category in each period's events, in the book's category colours."""
    return _shares_per_period(ds, "category", CATEGORY_COLOURS, _labels(ds), title, codings)


@styled
def quad_balance(ds, title, codings=None):
    """Share of each PLOVER/CAMEO quad class (verbal/material cooperation/conflict) per period, among the
    bilateral and multilateral events: context events (third parties' acts) are left out, so that their
    conflicts do not read as friction between Moscow and Pyongyang."""
    return _shares_per_period(
        ds, "quad_class", QUAD_COLOURS, {q: q for q in QUAD_COLOURS}, title, codings, scopes=RELATIONSHIP
    )


RELATIONSHIP = ["bilateral", "multilateral"]  # the scopes in which Moscow and Pyongyang act on each other


INDEX_AXIS = {"mean": "mean intensity", "max": "strongest intensity", "sum": "sum of intensities"}


@styled
def tone_index_chart(index, turning, periods, title, band=None, variant="mean", support=None):
    """The cooperation-friction index per year, with turning points circled; given `band` (the index
    under the first and the second coding before reconciliation), the band between them. A `variant`
    other than the mean (analysis.INDEX_VARIANTS) is labelled as such; the sum has no fixed bounds.
    Given `support` (the bilateral events each year's index rests on, rule D4), a panel below shows it."""
    if support is None:
        fig, ax = _figure(3.4)
    else:
        fig, (ax, low_ax) = plt.subplots(
            2, 1, figsize=(WIDTH, 4.4), sharex=True, layout="constrained", gridspec_kw={"height_ratios": [3, 1]}
        )
        years = [pd.Timestamp(int(y), 7, 1) for y in support.index]
        low_ax.bar(years, support.values, width=300, color="#BBBBBB")
        low_ax.set_ylabel("events", fontsize=SMALL)
        low_ax.yaxis.get_major_locator().set_params(integer=True)
        low_ax.set_xlabel(
            textwrap.fill("year (bottom: the bilateral events each year's index rests on, rule D4)", 45), fontsize=SMALL
        )
        low_ax.grid(axis="y", color="#dddddd")
        low_ax.grid(axis="x", visible=False)
    _period_bands(ax, periods, label=False)
    ax.axhline(0, color="#888888", linewidth=0.8)
    mid = [pd.Timestamp(int(y), 7, 1) for y in index.index]
    if band is not None:
        low, high = (b.reindex(index.index).to_numpy(float) for b in band)
        ax.fill_between(
            mid,
            low,
            high,
            color="#EE7733",
            alpha=0.35,
            linewidth=1.5,
            edgecolor="#EE7733",
            label="between the first and second coding",
        )
    ax.plot(mid, index.values, "-o", color="#4477AA", ms=3, linewidth=1, label="index")
    ax.plot(
        [pd.Timestamp(int(y), 7, 1) for y in turning["year"]],
        turning["index"],
        "o",
        ms=9,
        mfc="none",
        mec="#EE6677",
        mew=1.5,
        label="turning point",
    )
    if variant != "sum":
        ax.set_ylim(-10, 10)
    ax.set_ylabel(INDEX_AXIS.get(variant, "mean intensity") + " (codebook levels)")
    if support is None:
        ax.set_xlabel("year")
    ax.grid(axis="y", color="#dddddd")
    ax.legend(loc="lower left", fontsize=SMALL)
    _title(fig, title)
    return fig


@styled
def source_heatmap(matrix, ds, title):
    """Events each document supports in each period."""
    import seaborn as sns  # imported here: it costs every chapter a second at start-up, two chapters use it

    fig, ax = _figure(2.8)
    frame = matrix.set_axis(ds.periods.set_index("period_id")["title"][matrix.columns], axis=1)
    sns.heatmap(
        frame,
        annot=frame.map(lambda v: f"{v:.3g}"),
        fmt="",
        cmap="Blues",
        cbar=False,
        ax=ax,
        annot_kws={"fontsize": SMALL},
    )
    ax.set_xlabel("period (events counted by rule D4)")
    ax.set_ylabel("document")
    ax.tick_params(labelsize=SMALL)
    ax.set_xticklabels(ax.get_xticklabels(), rotation=20, ha="right")
    _title(fig, title)
    return fig


@styled
def confusion_heatmap(table, title, xlabel, ylabel):
    """A confusion table of two codings (counts of events), first coding in rows."""
    import seaborn as sns

    fig, ax = _figure(0.35 * len(table) + 1.6)
    sns.heatmap(
        table,
        annot=table.map(lambda n: str(n) if n else ""),
        fmt="",
        cmap="Blues",
        cbar=False,
        ax=ax,
        annot_kws={"fontsize": SMALL},
        linewidths=0.5,
        linecolor="white",
    )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.tick_params(labelsize=SMALL)
    _title(fig, title)
    return fig
