"""Execute the book's chapters with papermill, in parallel, into executed copies under _build/.

    python scripts/run_chapters.py [-j N] [--timeout S] [--data-dir DIR] [--out DIR] [--force] [CHAPTER ...]

A chapter whose notebook, data and package code are unchanged (content hashes) is not executed again.
A failing chapter is named with its cell; the others still finish; the exit status is then 1.
"""

import argparse
import concurrent.futures as cf
import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

from nkrussia import ROOT
from nkrussia.build import executed_name, read_notebook, toc_chapters

DEFAULT_OUT = ROOT / "_build" / "executed"
PAPERMILL = "from papermill.cli import papermill; papermill()"
# What every chapter depends on: the data, the package (but not the build machinery, which does not
# change what a chapter computes, except this runner, which writes the executed copies), the lock.
HASHED = ["data", "src/nkrussia", "requirements.lock"]
NOT_HASHED = {"build", "sphinxext.py", "__pycache__"}
BENCH = ROOT / "_build" / "bench.json"  # an input of the performance chapter only


def inputs_hash(data_dir):
    """Hash of everything a chapter depends on besides its own notebook."""
    digest = hashlib.sha256()
    for entry in HASHED:
        base = Path(data_dir) if entry == "data" else ROOT / entry
        if base.is_dir():
            paths = sorted(
                p for p in base.rglob("*") if p.is_file() and not NOT_HASHED & set(p.relative_to(base).parts)
            )
            if entry == "src/nkrussia":
                paths.append(Path(__file__))
        else:
            paths = [base] if base.is_file() else []
        for path in paths:
            digest.update(str(path.relative_to(base.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def chapter_hash(notebook, shared):
    """Hash of a chapter's inputs: the shared ones, its notebook, and the benchmark if it reads it."""
    source = (ROOT / notebook).read_bytes()
    bench = BENCH.read_bytes() if b"bench_file" in source and BENCH.is_file() else b""
    return hashlib.sha256(shared.encode() + source + bench).hexdigest()


def strip_volatile(path):
    """Remove timings and run-specific metadata so two runs give identical executed notebooks."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell.id = "injected-parameters"  # papermill gives it a random id
            if "remove-cell" not in tags:
                tags.append("remove-cell")  # the parameters cell above already shows what can be set
    nbformat.write(nb, path)


def failure(path):
    """(cell number, first source line, exception) of the first failing cell of an executed notebook.

    The number counts the cells of the committed notebook, leaving out the cells papermill adds
    (injected parameters, error banners).
    """
    nb = nbformat.read(path, as_version=4)
    added = {"injected-parameters", "papermill-error-cell-tag"}
    own = [c for c in nb.cells if not added & set(c.metadata.get("tags", []))]
    for number, cell in enumerate(own, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first = next((line for line in cell.source.splitlines() if line.strip()), "")
                return number, first, f"{output.get('ename')}: {output.get('evalue')}"
    return None, "", "no failing cell found in the output notebook"


def tree_rss(pid):
    """Resident memory of a process and all its descendants, in bytes."""
    try:
        proc = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [proc] + proc.children(recursive=True))
    except psutil.NoSuchProcess:
        return 0


def kill_tree(pid):
    """Kill papermill and everything it started: its kernel runs in a process group of its own."""
    try:
        parent = psutil.Process(pid)
        family = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for proc in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.send_signal(signal.SIGKILL)
    psutil.wait_procs(family, timeout=10)


class Runner:
    def __init__(self, out, data_dir, timeout):
        self.out, self.data_dir, self.timeout = Path(out), Path(data_dir).resolve(), timeout
        self.cache_file = self.out / "hashes.json"
        self.cache = json.loads(self.cache_file.read_text()) if self.cache_file.is_file() else {}
        self.procs = {}
        self.report_file = self.out / "report.json"
        self.report = json.loads(self.report_file.read_text()) if self.report_file.is_file() else {}
        self.lock = threading.Lock()
        self.stopping = False

    def run(self, notebook, digest):
        """Execute one chapter; return (status, seconds, detail)."""
        target = self.out / executed_name(notebook)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial.ipynb")
        source = target.with_suffix(".source.ipynb")  # papermill reads .ipynb: a text chapter is converted first
        nbformat.write(read_notebook(ROOT / notebook), source)
        env = dict(
            os.environ,
            OMP_NUM_THREADS="1",
            OPENBLAS_NUM_THREADS="1",
            MKL_NUM_THREADS="1",
            PYDEVD_DISABLE_FILE_VALIDATION="1",
        )
        cmd = [
            sys.executable,
            "-c",
            PAPERMILL,
            str(source),
            str(partial),
            "-p",
            "data_dir",
            os.path.relpath(self.data_dir, (ROOT / notebook).parent),
            "--cwd",
            str((ROOT / notebook).parent),
            "-k",
            "python3",
            "--no-progress-bar",
            "--log-level",
            "ERROR",
        ]
        start, peak = time.perf_counter(), 0
        log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (read back once the process ends)
        with self.lock:  # never start a kernel once stop_all() has begun
            if self.stopping:
                return "cancelled", 0.0, ""
            proc = subprocess.Popen(
                cmd, env=env, stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True
            )
            self.procs[notebook] = proc
        try:
            while proc.poll() is None:  # sample the memory of papermill and its kernel while waiting
                peak = max(peak, tree_rss(proc.pid))
                if time.perf_counter() - start > self.timeout:
                    kill_tree(proc.pid)
                    partial.unlink(missing_ok=True)
                    self.report[notebook] = {"status": "timeout", "seconds": round(self.timeout, 1)}
                    return "timeout", time.perf_counter() - start, f"stopped after {self.timeout:.0f} s (--timeout)"
                time.sleep(0.05)
        finally:
            self.procs.pop(notebook, None)
            source.unlink(missing_ok=True)
        seconds = time.perf_counter() - start
        self.report[notebook] = {
            "status": "executed" if proc.returncode == 0 else "failed",
            "seconds": round(seconds, 2),
            "peak_mib": round(peak / 2**20),
        }
        log.seek(0)
        log = log.read()
        if self.stopping:
            partial.unlink(missing_ok=True)
            self.report.pop(notebook, None)
            return "cancelled", seconds, ""
        if proc.returncode != 0:
            kept = self.out.parent / "failed" / executed_name(notebook)
            kept.parent.mkdir(parents=True, exist_ok=True)
            if partial.is_file():
                partial.replace(kept)
                number, first, error = failure(kept)
                detail = f"cell {number} (`{first}`) raised {error}\n    executed notebook kept at {kept}"
            else:
                detail = f"papermill exited {proc.returncode}:\n{log.strip()[-2000:]}"
            target.unlink(missing_ok=True)
            return "failed", seconds, detail
        strip_volatile(partial)
        partial.replace(target)
        self.cache[notebook] = digest
        return "executed", seconds, ""

    def stop_all(self):
        with self.lock:
            self.stopping = True
            running = list(self.procs.values())
        for proc in running:
            kill_tree(proc.pid)

    def save_cache(self):
        """Write the content hashes and the execution record (what the execution report page shows)."""
        self.out.mkdir(parents=True, exist_ok=True)
        for path, content in ((self.cache_file, self.cache), (self.report_file, self.report)):
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(content, indent=1, sort_keys=True))
            tmp.replace(path)


def interruptible():
    """Make Ctrl-C (and a polite kill) raise KeyboardInterrupt even when SIGINT was inherited as
    ignored, as it is for background jobs of a non-interactive shell."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def main(argv=None):
    interruptible()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="notebook paths; default: every chapter in _toc.yml")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--timeout",
        type=float,
        default=float(os.environ.get("CHAPTER_TIMEOUT", 300)),
        help="seconds per chapter (default 300, or $CHAPTER_TIMEOUT)",
    )
    parser.add_argument("--data-dir", default=ROOT / "data")
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--force", action="store_true", help="execute even unchanged chapters")
    args = parser.parse_args(argv)

    chapters = args.chapters or toc_chapters()
    runner = Runner(args.out, args.data_dir, args.timeout)
    shared = inputs_hash(args.data_dir)
    digests = {nb: chapter_hash(nb, shared) for nb in chapters}
    todo = [
        nb
        for nb in chapters
        if args.force or runner.cache.get(nb) != digests[nb] or not (runner.out / executed_name(nb)).is_file()
    ]
    for nb in chapters:
        if nb not in todo:
            print(f"  unchanged  {nb}")
    if not todo:
        print(f"Nothing to execute: all {len(chapters)} chapters are up to date.")
        return 0
    print(f"Executing {len(todo)} of {len(chapters)} chapters with {args.jobs} worker(s)...", flush=True)
    start, failed = time.perf_counter(), []
    pool = cf.ThreadPoolExecutor(max_workers=max(1, args.jobs))
    try:
        futures = {pool.submit(runner.run, nb, digests[nb]): nb for nb in todo}
        for future in cf.as_completed(futures):
            nb = futures[future]
            status, seconds, detail = future.result()
            print(f"  {status:<9}  {nb}  {seconds:5.1f} s", flush=True)
            if status != "executed":
                failed.append((nb, status, detail))
                runner.cache.pop(nb, None)
    except KeyboardInterrupt:
        print("\nInterrupted: stopping every kernel...", file=sys.stderr)
        runner.stop_all()
        pool.shutdown(wait=True, cancel_futures=True)
        for partial in runner.out.rglob("*.partial.ipynb"):
            partial.unlink()
        runner.save_cache()
        return 130
    pool.shutdown(wait=True)
    runner.save_cache()
    print(
        f"{len(todo) - len(failed)} executed, {len(failed)} failed, {len(chapters) - len(todo)} unchanged "
        f"in {time.perf_counter() - start:.1f} s"
    )
    for nb, _status, detail in failed:
        print(f"FAILED {nb}: {detail}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
