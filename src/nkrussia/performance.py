"""The appendix's Performance page: the latest benchmarks/bench.json as a table and a scaling chart."""

import json
from pathlib import Path

from IPython.display import Markdown

from . import figures, tables
from .chapter import glue_figure, glue_values


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
        ax.set_ylabel("load + validate + aggregate (s)")
        ax.legend(loc="upper left")
    else:
        ax.text(0.5, 0.5, "No benchmark yet: run `make bench`", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    figures._title(fig, "Scaling with the number of events")
    return fig


class Performance:
    def __init__(self, bench_file):
        self.bench = read_bench(bench_file)

    def glue(self):
        b = self.bench
        machine = (
            (
                f"{b['machine']['cores']} cores, {b['machine']['memory_gib']} GiB, {b['machine']['cpu']}, "
                f"Python {b['machine']['python']}"
            )
            if b
            else "not measured yet"
        )
        glue_values(
            {
                "bench_ratio": f"{b['ratio_to_jupyter_book']:.1f}" if b else "not measured",
                "bench_machine": machine,
                "bench_date": b["measured_on"] if b else "never",
                "bench_repeats": b["repeats"] if b else 0,
            }
        )
        glue_figure("fig_scaling", scaling_chart(b))

    def table(self):
        b = self.bench
        if not b:
            return Markdown(
                "No `benchmarks/bench.json` was found when this page was built. Run `make bench`, then `make book`."
            )

        def row(label, s, peak=""):
            return [tables.escape(label), f"{s['median']:.2f}", f"{s['min']:.2f}–{s['max']:.2f}", peak]

        from nkrussia.build.bench import MEASURES

        rows = [row(label, b[key]) for label, key in MEASURES]
        rows += [
            [tables.escape(f"{nb}, executed in a cold build"), f"{c['seconds']:.2f}", "", f"{c.get('peak_mib', '')}"]
            for nb, c in b["chapters"].items()
        ]
        rows += [
            row(f"{s['events']:,} synthetic events: load, validate, aggregate", s["seconds"], f"{s['peak_mib']:.0f}")
            for s in b["scaling"]
        ]
        targets = "\n".join(
            f"- {'met' if t['met'] else '**missed**'}: {tables.escape(name)} (measured {t['value']})"
            for name, t in b["targets"].items()
        )
        return Markdown(
            tables.markdown_table(["Measure", "Median (s)", "Spread (s)", "Peak memory (MiB)"], rows) + "\n\n" + targets
        )
