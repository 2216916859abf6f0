"""The appendix's Performance page: the latest benchmarks/bench.json as a table and a scaling chart."""

import html
import json
from pathlib import Path

from IPython.display import Markdown

from . import figures
from .display import Cell, Figure, Table, glue_values
from .text import escape


def read_bench(path):
    path = Path(path)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


@figures.styled
def scaling_chart(bench):
    fig, ax = figures._figure(3.2)
    if bench:
        sizes = [s["events"] for s in bench["scaling"]]
        seconds = [s["seconds"]["median"] for s in bench["scaling"]]
        ax.plot(sizes, seconds, "o-", color="#4477AA", label="measured (median)")
        ax.plot(
            sizes, [seconds[0] * n / sizes[0] for n in sizes], "--", color="#BBBBBB", label="linear from the smallest"
        )
        ax.axhline(20, color="#EE6677", linewidth=0.8, label="target for 10^6 events")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("synthetic events")
        ax.set_ylabel("load + validate + aggregate (seconds)")
        ax.legend(loc="upper left")
    else:
        ax.text(0.5, 0.5, "No benchmark yet: run `make bench`", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    figures._title(fig, "Scaling with the number of events")
    return fig


# The timings of benchmarks/bench.json, in the order the page and `make bench` list them.
MEASURES = [
    ("stock jupyter-book, execute (force) + HTML, cold", "stock_jupyter_book_s"),
    ("make book, cold", "cold_book_s"),
    ("make book, cold, plain kernels (no fork server)", "cold_book_no_fork_server_s"),
    ("make book, nothing changed", "noop_book_s"),
    ("make book after a Markdown edit in one chapter", "markdown_edit_s"),
    ("make book after a code edit in one chapter", "code_edit_s"),
    ("make book after an edit of one package module", "module_edit_s"),
    ("make book after an edit of one data file", "data_edit_s"),
    ("stock jupyter-book (cache), nothing changed", "stock_cache_noop_s"),
    ("stock jupyter-book (cache) after the Markdown edit", "stock_cache_markdown_s"),
    ("stock jupyter-book (cache) after the code edit", "stock_cache_code_s"),
    ("stock jupyter-book (cache) after the package edit", "stock_cache_module_s"),
    ("stock jupyter-book (cache) after the data edit", "stock_cache_data_s"),
]


EDIT_NAMES = {"module": "package"}  # the bench's name for an edit, as the page says it


class Performance:
    def __init__(self, bench_file):
        self.bench = read_bench(bench_file)

    def glue(self):
        """Glue the benchmark's headline values; the table of them is what a re-run notebook shows."""
        b = self.bench
        machine = (
            (
                f"{b['machine']['cores']} cores, {b['machine']['memory_gib']} GiB, {b['machine']['cpu']}, "
                f"Python {b['machine']['python']}"
            )
            if b
            else "not measured yet"
        )
        return glue_values(
            {
                "bench_ratio": f"{b['ratio_to_jupyter_book']:.1f}" if b else "not measured",
                "bench_machine": machine,
                "bench_date": b["measured_on"] if b else "never",
                "bench_repeats": {1: "once", 2: "twice"}.get(b["repeats"], f"{b['repeats']} times") if b else "never",
                "bench_stale": " and ".join(
                    f"the {EDIT_NAMES.get(edit, edit)} edit"
                    for edit, stale in (b or {}).get("stock_cache_stale", {}).items()
                    if stale
                )
                or "no edit",
            }
        )

    def scaling_figure(self):
        b = self.bench
        alt = (
            "Log-log line chart of load, validation and aggregation time against the number of synthetic events: "
            + "; ".join(f"{s['events']:,} events {s['seconds']['median']:.1f} s" for s in b["scaling"])
            + "; with the linear extrapolation from the smallest run and the 20-second target for a million events."
            if b
            else "No benchmark has been run yet."
        )
        caption = "Load, validation and aggregation time against the number of synthetic events (medians)."
        return Figure("fig_scaling", "fig-scaling", scaling_chart(b), alt, caption)

    def table(self):
        b = self.bench
        if not b:
            return Markdown(
                "No `benchmarks/bench.json` was found when this page was built. Run `make bench`, then `make book`."
            )

        def row(label, s, peak=""):
            return [label, f"{s['median']:.2f}", f"{s['min']:.2f}–{s['max']:.2f}", peak]

        rows = [row(label, b[key]) for label, key in MEASURES if key in b]
        # Whether stock jupyter-book's cache showed each edit afterwards (ours always does: the bench checks it).
        rows += [
            [f"stock jupyter-book (cache), pages after the {edit} edit", "stale" if old else "fresh", "", ""]
            for edit, old in b.get("stock_cache_stale", {}).items()
        ]
        rows += [
            [f"{nb}, executed in a cold build", f"{c['seconds']:.2f}", "", f"{c.get('peak_mib', '')}"]
            for nb, c in b["chapters"].items()
        ]
        rows += [
            row(f"{s['events']:,} synthetic events: load, validate, aggregate", s["seconds"], f"{s['peak_mib']:.0f}")
            for s in b["scaling"]
        ]
        targets = Cell(
            "\n".join(
                f"- {'met' if t['met'] else '**missed**'}: {escape(name)} (measured {t['value']})"
                for name, t in b["targets"].items()
            ),
            "<ul>"
            + "".join(
                f"<li>{'met' if t['met'] else '<strong>missed</strong>'}: {html.escape(name)} (measured {t['value']})</li>"
                for name, t in b["targets"].items()
            )
            + "</ul>",
        )
        return Table(["Measure", "Median (seconds)", "Spread (seconds)", "Peak memory (MiB)"], rows, targets)
