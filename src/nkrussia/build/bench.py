"""Benchmark the book on this machine and write _build/bench.json.

    python scripts/bench.py [--repeats 3] [--sizes 10000 100000 1000000]

Measures, each figure repeated (median and spread reported): every chapter's execution time and
peak memory (papermill and its kernel), all chapters sequentially and in parallel, a no-op
`make book`, the HTML build alone, and load + validate + the synthesis aggregations on synthetic
data packages of growing size. Prints a table and checks the targets.
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

from nkrussia import ROOT
from nkrussia.build import toc_chapters
from nkrussia.build.runner import Runner, chapter_hash, inputs_hash

PY = sys.executable
TARGETS = {
    "noop_book_s": 3.0,
    "parallel_speedup": 1.6,
    "chapter_s": 5.0,
    "million_s": 20.0,
    "million_peak_mib": 2048,
    "linearity": 1.3,
}


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


def timed(cmd):
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return time.perf_counter() - start


def chapters_sequential(work):
    """One sequential pass: (seconds, peak MiB) per chapter, and the pass's wall time."""
    runner = Runner(work / "seq", ROOT / "data", timeout=600)
    shared = inputs_hash(ROOT / "data")
    result, start = {}, time.perf_counter()
    for nb in toc_chapters():
        status, seconds, detail = runner.run(nb, chapter_hash(nb, shared))
        if status != "executed":
            raise SystemExit(f"{nb}: {status} {detail}")
        result[nb] = (seconds, runner.report[nb]["peak_mib"])
    return result, time.perf_counter() - start


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
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--scale-one", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench.json")
    args = parser.parse_args(argv)
    if args.scale_one:
        return scale_one(args.scale_one)
    reps = args.repeats
    bench = {"machine": machine(), "repeats": reps, "measured_on": time.strftime("%Y-%m-%d")}
    print(
        f"Machine: {bench['machine']['cores']} cores, {bench['machine']['memory_gib']} GiB, "
        f"{bench['machine']['cpu']}, Python {bench['machine']['python']}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        per_chapter, sequential = {}, []
        for rep in range(reps):
            shutil.rmtree(work / "seq", ignore_errors=True)
            result, wall = chapters_sequential(work)
            sequential.append(wall)
            for nb, (seconds, peak) in result.items():
                per_chapter.setdefault(nb, {"seconds": [], "peak_mib": []})
                per_chapter[nb]["seconds"].append(seconds)
                per_chapter[nb]["peak_mib"].append(peak)
            print(f"  sequential pass {rep + 1}: {wall:.1f} s", flush=True)
        bench["chapters"] = {
            nb: {"seconds": summary(v["seconds"]), "peak_mib": round(max(v["peak_mib"]), 1)}
            for nb, v in per_chapter.items()
        }
        jobs = os.cpu_count() or 1
        parallel = []
        for rep in range(reps):
            shutil.rmtree(work / "par", ignore_errors=True)
            parallel.append(
                timed([PY, "scripts/run_chapters.py", "-j", str(jobs), "--force", "--out", str(work / "par")])
            )
            print(f"  parallel pass {rep + 1} (-j {jobs}): {parallel[-1]:.1f} s", flush=True)
        bench["sequential_s"], bench["parallel_s"] = summary(sequential), summary(parallel)
        bench["parallel_jobs"] = jobs
        bench["parallel_speedup"] = round(statistics.median(sequential) / statistics.median(parallel), 2)

        timed([PY, "scripts/build_book.py", "--build", str(work / "book")])
        bench["noop_book_s"] = summary(
            [timed([PY, "scripts/build_book.py", "--build", str(work / "book")]) for _ in range(reps)]
        )
        html = []
        for rep in range(reps):
            html.append(
                timed(
                    [
                        PY,
                        "scripts/build_html.py",
                        "--executed",
                        str(work / "book" / "executed"),
                        "--html",
                        str(work / f"html{rep}" / "html"),
                    ]
                )
            )
        bench["html_build_s"] = summary(html)
        print(
            f"  no-op book {bench['noop_book_s']['median']:.2f} s, HTML build {bench['html_build_s']['median']:.1f} s",
            flush=True,
        )

        scaling = []
        for n in args.sizes:
            target = work / f"synthetic-{n}"
            subprocess.run(
                [PY, "scripts/make_synthetic.py", str(n), str(target)], cwd=ROOT, check=True, capture_output=True
            )
            runs = [
                json.loads(
                    subprocess.run(
                        [PY, __file__, "--scale-one", str(target)], cwd=ROOT, check=True, capture_output=True, text=True
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
    slowest = max(c["seconds"]["median"] for c in bench["chapters"].values())
    checks = {
        "no-op make book ≤ 3 s": (
            bench["noop_book_s"]["median"],
            bench["noop_book_s"]["median"] <= TARGETS["noop_book_s"],
        ),
        "parallel speed-up ≥ 1.6×": (
            bench["parallel_speedup"],
            bench["parallel_speedup"] >= TARGETS["parallel_speedup"],
        ),
        "every chapter ≤ 5 s": (slowest, slowest <= TARGETS["chapter_s"]),
    }
    if 1_000_000 in by_size:
        big = by_size[1_000_000]
        checks["10^6 events ≤ 20 s"] = (big["seconds"]["median"], big["seconds"]["median"] <= TARGETS["million_s"])
        checks["10^6 events peak < 2 GiB"] = (big["peak_mib"], big["peak_mib"] < TARGETS["million_peak_mib"])
        if 100_000 in by_size:
            ratio = big["seconds"]["median"] / (10 * by_size[100_000]["seconds"]["median"])
            checks["10^6 run ≤ 1.3 × 10 × 10^5 run"] = (round(ratio, 2), ratio <= TARGETS["linearity"])
    return {name: {"value": value, "met": bool(met)} for name, (value, met) in checks.items()}


def print_table(bench):
    print(f"\n{'chapter':<36}{'median s':>10}{'spread s':>14}{'peak MiB':>10}")
    for nb, c in bench["chapters"].items():
        s = c["seconds"]
        print(f"{nb:<36}{s['median']:>10.2f}{s['min']:>7.2f}-{s['max']:<6.2f}{c['peak_mib']:>10.0f}")
    for label, key in [
        ("all chapters, sequential", "sequential_s"),
        (f"all chapters, -j {bench['parallel_jobs']}", "parallel_s"),
        ("no-op make book", "noop_book_s"),
        ("HTML build alone", "html_build_s"),
    ]:
        s = bench[key]
        print(f"{label:<36}{s['median']:>10.2f}{s['min']:>7.2f}-{s['max']:<6.2f}")
    for s in bench["scaling"]:
        t = s["seconds"]
        label = f"{s['events']:,} synthetic events"
        print(f"{label:<36}{t['median']:>10.2f}{t['min']:>7.2f}-{t['max']:<6.2f}{s['peak_mib']:>10.0f}")
    print()
    for name, t in bench["targets"].items():
        print(f"  {'met ' if t['met'] else 'MISSED'}  {name}: {t['value']}")


if __name__ == "__main__":
    sys.exit(main())
