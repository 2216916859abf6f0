"""Benchmark the book on this machine against stock jupyter-book, and write benchmarks/bench.json.

    python scripts/bench.py [--repeats 1] [--sizes 10000 100000 1000000]

In one run, on the same chapters, kernel and packages: a cold build of a stock jupyter-book copy of
the book (`execute_notebooks: force`) and a cold `make book`; then, on a scratch copy of the checkout
built once, a no-op build and the edits an author makes (one sentence of Markdown, one line of a
chapter's code, one line of a package module), each timed as the whole `make book` command. Then
load + validate + aggregate on synthetic data packages of growing size. The cold `make book` is also
timed with plain jupyter_client kernels (NKRUSSIA_FORK_SERVER=0): the fork server stays only while that
A/B shows it saves at least 15 %. Prints a table and checks
the targets.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from nkrussia import ROOT, corpus_dir
from nkrussia.performance import MEASURES

PY = sys.executable
TARGETS = {
    "ratio_to_jupyter_book": 3.0,
    "markdown_edit_s": 5.0,
    "code_edit_s": 8.0,
    "module_edit_s": 20.0,
    "noop_book_s": 1.0,
    "million_s": 20.0,
    "million_peak_mib": 2048,
    "linearity": 1.15,
    "fork_server_gain": 0.15,
}
# Files a copy of the book needs (the scratch copy also takes src/ and scripts/, to be edited).
BOOK = ["_config.yml", "_toc.yml", "references.bib", "_static", "chapters", "data", "benchmarks"]
COPY_IGNORE = shutil.ignore_patterns("_build", ".venv*", ".git", "__pycache__", "*.egg-info", "mutants", ".*_cache")


def machine():
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def summary(values):
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
        "runs": [round(v, 3) for v in values],
    }


def timed(cmd, env=None):
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return time.perf_counter() - start


def stock_copy(book, mode):
    """A copy of the book for stock jupyter-book, executing its notebooks itself (mode: force or cache)."""
    book.mkdir(parents=True)
    for name in BOOK:
        source = ROOT / name
        if source.exists():
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, book / name)
    config = (book / "_config.yml").read_text(encoding="utf-8")
    (book / "_config.yml").write_text(config.replace('execute_notebooks: "off"', f'execute_notebooks: "{mode}"'))
    (book / "chapters" / "execution_report.md").write_text("# Execution report\n")  # written by our build
    return book


def stock_build(book, out, env=None):
    return timed([str(Path(PY).parent / "jupyter-book"), "build", str(book), "--path-output", str(out)], env=env)


def stock_jupyter_book(work):
    """Seconds for stock jupyter-book to execute (force) and build a copy of the same book, cold."""
    return stock_build(stock_copy(work / "stock", "force"), work / "stock-out")


def book_command(copy):
    """`make book` in a copy of the checkout: its own package (PYTHONPATH) and the real corpus."""
    from nkbuild.html import source_date_epoch

    env = dict(
        os.environ,
        PYTHONPATH=str(copy / "src"),
        NKRUSSIA_CORPUS=str(corpus_dir()),
        SOURCE_DATE_EPOCH=source_date_epoch(),
    )
    return [PY, str(copy / "scripts" / "build_book.py"), "-j", str(os.cpu_count() or 1)], env


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"bench: cannot find {old!r} in {path}")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# The edits an author makes, each applied to our scratch copy and to the stock (cache) copy, with the key
# under which bench.json records our time after it.
EDIT_SCENARIOS = {
    "noop": "noop_book_s",
    "markdown": "markdown_edit_s",
    "code": "code_edit_s",
    "module": "module_edit_s",
    "data": "data_edit_s",
}


def shows(html, text):
    """Whether a chapter of the built book shows text (HTML-escaped as Sphinx writes it)."""
    import html as html_lib

    return any(
        html_lib.escape(text, quote=False) in page.read_text(encoding="utf-8")
        for page in (html / "chapters").glob("*.html")
    )


def edits(work, reps):
    """Seconds of `make book` after each kind of edit, on a scratch copy built once; beside it, stock
    jupyter-book with `execute_notebooks: cache` (jupyter-cache) after the same edits, and whether its
    pages then still show what the edit changed (fresh) or the old outputs (stale)."""
    copy = work / "scratch"
    shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
    cmd, env = book_command(copy)
    timed(cmd, env=env)  # the cold build the edits start from
    stock = stock_copy(work / "stock-cache", "cache")
    stock_out = work / "stock-cache-out"
    stock_build(stock, stock_out, env=env)  # its cold build fills jupyter-cache; its kernels import copy/src
    results = {key: [] for key in EDIT_SCENARIOS.values()}
    results |= {f"stock_cache_{s}_s": [] for s in EDIT_SCENARIOS}
    stale = {}
    for rep in range(reps):
        for scenario, key in EDIT_SCENARIOS.items():
            marker = None  # the text the built book shows after the edit if its outputs are fresh
            if scenario == "markdown":
                wording = ("how much of it can", "how much of that can")
                old, new = wording if rep % 2 == 0 else wording[::-1]  # one word changed, back and forth
                for root in (copy, stock):
                    edit(root / "chapters" / "korean_war.md", old, new)
                marker = new
            elif scenario == "code":
                for root in (copy, stock):
                    edit(
                        root / "chapters" / "korean_war.md",
                        'data_dir = "../data"',
                        f'data_dir = "../data"  # edit {rep}',
                    )
            elif scenario == "module":  # a label every period table prints; stock kernels import copy/src
                marker = f"a section heading, as edited {rep}"
                edit(copy / "src" / "nkrussia" / "text.py", '"a section heading', f'"{marker}')
            elif scenario == "data":  # an event's title, shown in its chapter's table
                title = "North Korea invades the South: the Korean War"
                marker = f"{title} (retitled {rep})"
                for root in (copy, stock):
                    edit(root / "data" / "events.csv", title, marker)
            results[key].append(timed(cmd, env=env))
            results[f"stock_cache_{scenario}_s"].append(stock_build(stock, stock_out, env=env))
            if marker:
                stale[scenario] = stale.get(scenario, False) or not shows(stock_out / "_build" / "html", marker)
                if not shows(copy / "_build" / "html", marker):
                    raise SystemExit(f"bench: our build does not show the {scenario} edit ({marker!r})")
        print(
            f"  edits, pass {rep + 1}: "
            + ", ".join(f"{k.removesuffix('_s').replace('_', ' ')} {v[-1]:.1f} s" for k, v in results.items()),
            flush=True,
        )
    summaries = {name: summary(values) for name, values in results.items()}
    summaries["stock_cache_stale"] = stale
    return summaries


def scale_one(directory):
    """Child process: load + validate + the synthesis aggregations; print seconds and peak memory."""
    import pandas as pd

    from nkrussia import analysis
    from nkrussia.validate import load_valid

    start = time.perf_counter()
    ds, problems, _ = load_valid(Path(directory) / "data", Path(directory) / "corpus")
    if problems:
        raise SystemExit(f"synthetic package invalid: {problems[:3]}")
    years = list(range(1945, 2026))
    analysis.per_year(ds.events, years)
    analysis.sources_per_year(ds, years)
    analysis.tone_index(ds.events, years)
    analysis.source_period_matrix(ds)
    analysis.corroboration(ds)
    pd.crosstab(ds.events["period_id"], ds.events["category"], normalize="index")
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - start,
                "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--scale-one", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "bench.json")
    args = parser.parse_args(argv)
    if args.scale_one:
        return scale_one(args.scale_one)
    reps = args.repeats
    bench = {"machine": machine(), "repeats": reps, "measured_on": time.strftime("%Y-%m-%d")}
    m = bench["machine"]
    print(f"Machine: {m['cores']} cores, {m['memory_gib']} GiB, {m['cpu']}, Python {m['python']}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        stock, ours, plain = [], [], []
        no_fork = dict(os.environ, NKRUSSIA_FORK_SERVER="0")
        for rep in range(reps):
            for name in ("stock", "stock-out", "ours", "plain"):
                shutil.rmtree(work / name, ignore_errors=True)
            stock.append(stock_jupyter_book(work))
            ours.append(timed([PY, "scripts/build_book.py", "--build", str(work / "ours")]))
            plain.append(timed([PY, "scripts/build_book.py", "--build", str(work / "plain")], env=no_fork))
            print(
                f"  cold builds, pass {rep + 1}: jupyter-book {stock[-1]:.1f} s, ours {ours[-1]:.1f} s, "
                f"ours without the fork server {plain[-1]:.1f} s",
                flush=True,
            )
        report = json.loads((work / "ours" / "executed" / "report.json").read_text())
        bench["chapters"] = {nb: report[nb] for nb in sorted(report)}
        bench["stock_jupyter_book_s"], bench["cold_book_s"] = summary(stock), summary(ours)
        bench["ratio_to_jupyter_book"] = round(statistics.median(stock) / statistics.median(ours), 2)
        bench["cold_book_no_fork_server_s"] = summary(plain)
        bench["fork_server_gain"] = round(1 - statistics.median(ours) / statistics.median(plain), 3)
        bench.update(edits(work, reps))

        scaling = []
        for n in args.sizes:
            target = work / f"synthetic-{n}"
            subprocess.run(
                [PY, "scripts/make_synthetic.py", str(n), str(target)], cwd=ROOT, check=True, capture_output=True
            )
            runs = [
                json.loads(
                    subprocess.run(
                        [PY, "-m", "nkbuild.bench", "--scale-one", str(target)],
                        cwd=ROOT,
                        check=True,
                        capture_output=True,
                        text=True,
                    ).stdout
                )
                for _ in range(reps)
            ]
            scaling.append(
                {
                    "events": n,
                    "seconds": summary([r["seconds"] for r in runs]),
                    "peak_mib": round(max(r["peak_mib"] for r in runs), 1),
                }
            )
            shutil.rmtree(target)
            print(
                f"  {n:>9,} events: {scaling[-1]['seconds']['median']:.2f} s, {scaling[-1]['peak_mib']:.0f} MiB",
                flush=True,
            )
        bench["scaling"] = scaling

    bench["targets"] = check_targets(bench)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(bench, indent=1) + "\n")
    print_table(bench)
    print(f"Written to {args.out}")
    return 0


def check_targets(bench):
    by_size = {s["events"]: s for s in bench["scaling"]}
    median = {key: bench[key]["median"] for key in ("markdown_edit_s", "code_edit_s", "module_edit_s", "noop_book_s")}
    ratio = bench["ratio_to_jupyter_book"]
    checks = {
        "cold build ≥ 3× faster than jupyter-book (force)": (ratio, ratio >= TARGETS["ratio_to_jupyter_book"]),
        "Markdown edit of one chapter ≤ 5 s": (median["markdown_edit_s"], median["markdown_edit_s"] <= 5),
        "code edit in one chapter ≤ 8 s": (median["code_edit_s"], median["code_edit_s"] <= 8),
        "edit of one package module ≤ 20 s": (median["module_edit_s"], median["module_edit_s"] <= 20),
        "no-op make book ≤ 1 s": (median["noop_book_s"], median["noop_book_s"] <= TARGETS["noop_book_s"]),
    }
    if "fork_server_gain" in bench:
        gain = bench["fork_server_gain"]
        checks["fork server saves ≥ 15 % of a cold build (else remove it)"] = (
            gain,
            gain >= TARGETS["fork_server_gain"],
        )
    if 1_000_000 in by_size:
        big = by_size[1_000_000]
        checks["10^6 events ≤ 20 s"] = (big["seconds"]["median"], big["seconds"]["median"] <= TARGETS["million_s"])
        checks["10^6 events peak < 2 GiB"] = (big["peak_mib"], big["peak_mib"] < TARGETS["million_peak_mib"])
        if 100_000 in by_size:
            ratio = big["seconds"]["median"] / (10 * by_size[100_000]["seconds"]["median"])
            checks["10^6 run ≤ 1.15 × 10 × 10^5 run"] = (round(ratio, 2), ratio <= TARGETS["linearity"])
    return {name: {"value": value, "met": bool(met)} for name, (value, met) in checks.items()}


def print_table(bench):
    print(f"\n{'measure':<52}{'median s':>10}{'spread s':>14}")
    for label, key in MEASURES:
        if key not in bench:
            continue
        s = bench[key]
        print(f"{label:<52}{s['median']:>10.2f}{s['min']:>7.2f}-{s['max']:<6.2f}")
    print(f"{'ratio, jupyter-book / make book (cold)':<52}{bench['ratio_to_jupyter_book']:>10.2f}")
    for s in bench["scaling"]:
        t = s["seconds"]
        label = f"{s['events']:,} synthetic events (peak {s['peak_mib']:.0f} MiB)"
        print(f"{label:<52}{t['median']:>10.2f}{t['min']:>7.2f}-{t['max']:<6.2f}")
    print()
    for name, t in bench["targets"].items():
        print(f"  {'met ' if t['met'] else 'MISSED'}  {name}: {t['value']}")


if __name__ == "__main__":
    sys.exit(main())
