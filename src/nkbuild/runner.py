"""Execute the book's chapters with papermill, in parallel, into executed copies under _build/.

    python scripts/run_chapters.py [-j N] [--timeout S] [--data-dir DIR] [--out DIR] [--force] [CHAPTER ...]

Each chapter runs in a fresh kernel of its own, forked from a server that has done the heavy imports
once (nkbuild.ipykernel_forks); kernels are forked ahead of need (while validation or the
previous chapter runs), and papermill then executes the chapter in that kernel from this process.
A chapter whose code, data and package are unchanged (content hashes) is not executed again; if only its Markdown changed, the new Markdown is joined with the outputs of its
last execution, which is what executing it again would give. A failing chapter is named with its
cell; the others still finish; the exit status is then 1.
"""

import argparse
import concurrent.futures as cf
import contextlib
import hashlib
import json
import logging
import os
import queue
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from nkbuild import executed_name, read_notebook, toc_chapters
from nkrussia import ROOT
from nkrussia.text import counted

DEFAULT_OUT = ROOT / "_build" / "executed"
# What every chapter depends on: the data, the package (but not the build machinery, which does not
# change what a chapter computes, except this runner, which writes the executed copies), the lock.
HASHED = ["data", "src/nkrussia", "requirements.lock"]
NOT_HASHED = {"__pycache__"}
# The build machinery that shapes an executed copy: this runner and the notebook reader it uses.
SHAPES_OUTPUT = [Path(__file__), Path(__file__).with_name("__init__.py")]
# Imported once by the fork server, so already imported in every kernel forked from it: what every
# chapter's setup cell imports. (Adding seaborn and scikit-learn, which two chapters use, saves nothing
# on a cold build and delays a one-chapter rebuild by a second.)
WARM_UP = "import pandas, matplotlib.pyplot, nkrussia.pages.period"
KERNEL_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


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
                paths += SHAPES_OUTPUT
        else:
            paths = [base] if base.is_file() else []
        for path in paths:
            digest.update(str(path.relative_to(base.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def chapter_inputs(notebook):
    """A chapter's own inputs: its notebook, then the files its front matter declares
    (`nkrussia: {inputs: [path, ...]}`, paths from the book's root): the notebook and each file's bytes
    (b"" for a file that does not exist yet)."""
    nb = read_notebook(ROOT / notebook)
    paths = [ROOT / notebook] + [ROOT / p for p in nb.metadata.get("nkrussia", {}).get("inputs", [])]
    return nb, [p.read_bytes() if p.is_file() else b"" for p in paths]


def _digest(shared, parts):
    digest = hashlib.sha256(shared.encode())
    for part in parts:
        digest.update(part + b"\0")
    return digest.hexdigest()


def full_hash(notebook, shared):
    """Hash of all a chapter's inputs: the shared ones and its own (`chapter_inputs`)."""
    _, inputs = chapter_inputs(notebook)
    return _digest(shared, inputs)


def code_hash(notebook, shared):
    """Hash of what executing a chapter depends on: `full_hash` with the notebook's code cells and metadata
    in place of the whole notebook (its Markdown cells left out)."""
    nb, inputs = chapter_inputs(notebook)
    code = [nb.metadata] + [(c.source, c.metadata) for c in nb.cells if c.cell_type == "code"]
    return _digest(shared, [json.dumps(code, sort_keys=True).encode(), *inputs[1:]])


def chapter_hashes(notebook, shared):
    """(code, full) hashes of a chapter."""
    return code_hash(notebook, shared), full_hash(notebook, shared)


def tidy(nb):
    """Remove timings and run-specific metadata so two runs give identical executed notebooks."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell.id = "injected-parameters"  # papermill gives it a random id
            if "remove-cell" not in tags:
                tags.append("remove-cell")  # the parameters cell above already shows what can be set
    return nb


def rejoin(notebook, executed, parameters):
    """The chapter's current cells with the outputs of its last execution (same code, new Markdown),
    or None if the code cells do not line up."""
    import nbformat  # imported when needed: it costs a no-op build most of its time
    import papermill

    # papermill's own preparation (parameters, metadata) without executing: the cells it would run
    new = papermill.execute_notebook(
        read_notebook(ROOT / notebook), None, parameters=parameters, kernel_name="python3", prepare_only=True
    )
    old = nbformat.read(executed, as_version=4)
    new_code = [c for c in new.cells if c.cell_type == "code"]
    old_code = [c for c in old.cells if c.cell_type == "code"]
    if [c.source for c in new_code] != [c.source for c in old_code]:
        return None
    for cell, ran in zip(new_code, old_code, strict=True):
        cell.outputs, cell.execution_count, cell.metadata = ran.outputs, ran.execution_count, ran.metadata
    new.metadata = old.metadata
    return tidy(new)


def tree_rss(pid):
    """Resident memory of a process and all its descendants, in bytes."""
    try:
        proc = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [proc] + proc.children(recursive=True))
    except psutil.NoSuchProcess:
        return 0


def kill_tree(pid):
    """Kill a kernel and everything it started."""
    try:
        parent = psutil.Process(pid)
        family = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for proc in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.send_signal(signal.SIGKILL)
    psutil.wait_procs(family, timeout=10)


class WarmKernels:
    """Fresh kernels, forked from a server that imported WARM_UP, in the background before they are needed.

    Each kernel runs exactly one chapter: isolation is that of a plain papermill run.
    """

    def __init__(self, cwd, ahead, cache_dir):
        from nkbuild.ipykernel_forks import ForkServer

        self.cwd, self.ahead, self.ready = str(cwd), ahead, queue.Queue()
        self.env = dict(os.environ, **KERNEL_ENV, NKRUSSIA_CACHE=str(cache_dir))
        # imports once; each kernel is forked from it. NKRUSSIA_FORK_SERVER=0 starts plain jupyter_client
        # kernels instead: the benchmark's A/B, which keeps the server only while it saves at least 15 %.
        self.server = ForkServer(WARM_UP, self.env, self.cwd) if os.environ.get("NKRUSSIA_FORK_SERVER") != "0" else None
        self.lock = threading.Lock()
        self.todo = self.started = self.taken = 0
        self.all = []
        self.stopped = False

    def add(self, count):
        """Expect `count` more chapters."""
        with self.lock:
            self.todo += count
        self._top_up()

    def _top_up(self):
        """Keep up to `ahead` kernels warming or waiting, never more than chapters remain."""
        while True:
            with self.lock:
                if self.stopped or self.todo <= 0 or self.started - self.taken >= self.ahead:
                    return
                self.todo -= 1
                self.started += 1
            threading.Thread(target=self._warm, daemon=True).start()

    def _warm(self):
        from jupyter_client.manager import KernelManager

        from nkbuild.ipykernel_forks import spec_metadata

        # nbclient drives the kernel with an asynchronous client; the warm-up uses a blocking one.
        km = KernelManager(kernel_name="python3", client_class="jupyter_client.asynchronous.AsyncKernelClient")
        try:
            log = tempfile.NamedTemporaryFile(mode="w+")  # noqa: SIM115 (the kernel's stderr, read if it dies)
            # jupyter_client's provisioner factory picks the registered fork provisioner from the spec
            if self.server:
                km.kernel_spec.metadata["kernel_provisioner"] = spec_metadata(self.server, log.name)
            km.start_kernel(cwd=self.cwd, env=self.env)
            km.log_file = log
            with self.lock:
                self.all.append(km)
                stopped = self.stopped
            if stopped:  # stop() ran while this kernel was starting
                kill_tree(km.provisioner.process.pid)
                return
            client = km.blocking_client()
            client.start_channels()
            client.wait_for_ready(timeout=60)
            client.execute_interactive(WARM_UP, silent=True, store_history=False, timeout=120)
            client.stop_channels()
        except Exception as error:  # the chapter that takes this kernel reports it
            km.warm_error = error
        self.ready.put(km)

    def take(self):
        """A warm kernel (waiting for one if needed), or None once stopped; another starts warming in its place."""
        while True:
            with contextlib.suppress(queue.Empty):
                km = self.ready.get(timeout=0.1)
                break
            if self.stopped:
                return None
        with self.lock:
            self.taken += 1
        self._top_up()
        return km

    def stop(self):
        with self.lock:
            self.stopped = True
            kernels = list(self.all)
        for km in kernels:
            if km.has_kernel:
                kill_tree(km.provisioner.process.pid)
        if self.server:
            self.server.stop()


class Runner:
    def __init__(self, out, data_dir, timeout):
        self.out, self.data_dir, self.timeout = Path(out), Path(data_dir).resolve(), timeout
        self.cache_file = self.out / "hashes.json"
        self.cache = json.loads(self.cache_file.read_text()) if self.cache_file.is_file() else {}
        self.report_file = self.out / "report.json"
        self.report = json.loads(self.report_file.read_text()) if self.report_file.is_file() else {}
        self.lock = threading.Lock()
        self.stopping = False
        self.kernels = {}  # cwd -> WarmKernels
        self.running = {}  # notebook -> kernel manager

    def parameters(self, notebook):
        return {"data_dir": os.path.relpath(self.data_dir, (ROOT / notebook).parent)}

    def plan(self, chapters, force=False):
        """{chapter: "unchanged" | "rejoin" | "execute"} and the chapters' (code, full) hashes."""
        shared = inputs_hash(self.data_dir)
        plan, hashes = {}, {}
        for nb in chapters:
            cached = self.cache.get(nb)
            cached = cached if isinstance(cached, dict) else {}
            exists = (self.out / executed_name(nb)).is_file()
            full = full_hash(nb, shared)
            if exists and not force and cached.get("full") == full:  # nothing changed: no need to parse it
                plan[nb], hashes[nb] = "unchanged", (cached["code"], full)
                continue
            hashes[nb] = (code_hash(nb, shared), full)
            plan[nb] = "rejoin" if exists and not force and cached.get("code") == hashes[nb][0] else "execute"
        return plan, hashes

    def warm(self, chapters, jobs):
        """Start warming kernels for the chapters about to execute, grouped by working directory."""
        by_cwd = {}
        for nb in chapters:
            by_cwd.setdefault((ROOT / nb).parent, []).append(nb)
        for cwd, group in by_cwd.items():
            # the chapters of one build share the loaded dataset (nkrussia.dataset.load)
            cache = self.out.parent / "cache"
            self.kernels.setdefault(cwd, WarmKernels(cwd, ahead=jobs, cache_dir=cache)).add(len(group))

    def write(self, nb, path):
        import nbformat  # imported when needed: it costs a no-op build most of its time

        tmp = path.with_suffix(".partial.ipynb")
        nbformat.write(nb, tmp)
        tmp.replace(path)

    def rejoin(self, notebook, hashes):
        target = self.out / executed_name(notebook)
        nb = rejoin(notebook, target, self.parameters(notebook))
        if nb is None:
            return None
        self.write(nb, target)
        self.cache[notebook] = {"code": hashes[0], "full": hashes[1]}
        return "rejoined", 0.0, ""

    def execute(self, notebook, hashes):
        """Execute one chapter in a warm kernel; return (status, seconds, detail)."""
        import papermill
        from papermill.exceptions import PapermillExecutionError

        target = self.out / executed_name(notebook)
        target.parent.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        km = self.kernels[(ROOT / notebook).parent].take()
        with self.lock:  # never run a chapter once stop_all() has begun
            if self.stopping or km is None:
                return "cancelled", 0.0, ""
            self.running[notebook] = km
        if getattr(km, "warm_error", None):
            return "failed", time.perf_counter() - start, f"its kernel did not start: {km.warm_error}"
        nb, error = None, None
        partial = target.with_suffix(".partial.ipynb")  # papermill writes it, with its error banner on failure
        source = read_notebook(ROOT / notebook)
        try:
            nb = papermill.execute_notebook(
                source,
                partial,
                parameters=self.parameters(notebook),
                kernel_name="python3",
                km=km,
                progress_bar=False,
                request_save_on_cell_execute=False,
            )
        except PapermillExecutionError as exc:
            error = exc
        except Exception as exc:  # a dead kernel (killed on timeout or Ctrl-C), a broken notebook
            error = exc
        finally:
            with self.lock:
                self.running.pop(notebook, None)
            peak = getattr(km, "peak", 0)
            pid = km.provisioner.process.pid if km.has_kernel else None
            with contextlib.suppress(Exception):
                km.shutdown_kernel(now=True)
            if pid:
                kill_tree(pid)
        seconds = time.perf_counter() - start
        if self.stopping:
            return "cancelled", seconds, ""
        if getattr(km, "timed_out", False):
            self.report[notebook] = {"status": "timeout", "seconds": round(self.timeout, 1)}
            return "timeout", seconds, f"stopped after {self.timeout:.0f} s (--timeout)"
        self.report[notebook] = {
            "status": "failed" if error else "executed",
            "seconds": round(seconds, 2),
            "peak_mib": round(peak / 2**20),
        }
        if error is not None:
            target.unlink(missing_ok=True)
            return "failed", seconds, self.describe(notebook, source, error, km, partial)
        partial.unlink(missing_ok=True)
        self.write(tidy(nb), target)
        self.cache[notebook] = {"code": hashes[0], "full": hashes[1]}
        return "executed", seconds, ""

    def describe(self, notebook, source, error, km, partial):
        """Name the failing cell from papermill's error; keep its output notebook (with its error banner)."""
        from papermill.exceptions import PapermillExecutionError

        if isinstance(error, PapermillExecutionError) and partial.is_file():
            kept = self.out.parent / "failed" / executed_name(notebook)
            kept.parent.mkdir(parents=True, exist_ok=True)
            partial.replace(kept)
            # papermill's cell_index counts the cell it injects (after the `parameters` cell, or first when
            # there is none); our number counts the chapter's own cells
            tagged = [i for i, c in enumerate(source.cells) if "parameters" in c.metadata.get("tags", [])]
            number = error.cell_index + 1 - (1 if not tagged or error.cell_index > tagged[0] else 0)
            first = next((line for line in error.source.splitlines() if line.strip()), "")
            return (
                f"cell {number} (`{first}`) raised {error.ename}: {error.evalue}\n    executed notebook kept at {kept}"
            )
        partial.unlink(missing_ok=True)
        log = getattr(km, "log_file", None)
        tail = ""
        if log is not None:
            log.seek(0)
            tail = "\n" + log.read().strip()[-2000:]
        return f"{type(error).__name__}: {error}{tail}"

    def watch(self):
        """Sample each running kernel's memory; kill a chapter that runs past its timeout."""
        started = {}
        while not self.stopping:
            with self.lock:
                running = dict(self.running)
            for nb, km in running.items():
                started.setdefault(nb, time.perf_counter())
                if not km.has_kernel:
                    continue
                pid = km.provisioner.process.pid
                km.peak = max(getattr(km, "peak", 0), tree_rss(pid))
                if time.perf_counter() - started[nb] > self.timeout:
                    km.timed_out = True
                    kill_tree(pid)
            time.sleep(0.1)

    def stop_all(self):
        with self.lock:
            self.stopping = True
            running = list(self.running.values())
        for kernels in self.kernels.values():
            kernels.stop()
        for km in running:
            if km.has_kernel:
                kill_tree(km.provisioner.process.pid)

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


def prepare(chapters, data_dir, out, jobs, force=False):
    """Plan a run and start warming the kernels it needs; returns (runner, plan, hashes). Call it before
    validating, so that kernels start while validation runs."""
    runner = Runner(out, data_dir, timeout=float(os.environ.get("CHAPTER_TIMEOUT", 300)))
    plan, hashes = runner.plan(chapters, force)
    runner.warm([nb for nb, what in plan.items() if what == "execute"], jobs)
    return runner, plan, hashes


def run(runner, plan, hashes, jobs):
    """Execute or rejoin what the plan says; print one line per chapter; return the exit status."""
    logging.getLogger("papermill").setLevel(logging.ERROR)
    chapters = list(plan)
    for nb, what in plan.items():
        if what == "unchanged":
            print(f"  unchanged  {nb}")
    todo = [nb for nb, what in plan.items() if what != "unchanged"]
    if not todo:
        print(f"Nothing to execute: all {len(chapters)} chapters are up to date.")
        return 0
    executing = [nb for nb in todo if plan[nb] == "execute"]
    if executing:
        print(f"Executing {len(executing)} of {len(chapters)} chapters with {counted(jobs, 'worker')}...", flush=True)
    start, failed, done = time.perf_counter(), [], {}
    for nb in todo:
        if plan[nb] == "rejoin":
            done[nb] = runner.rejoin(nb, hashes[nb])
            if done[nb] is None:  # the code cells moved: execute after all
                executing.append(nb)
                runner.warm([nb], jobs)
            else:
                print(f"  {'rejoined':<9}  {nb}  (Markdown only changed: outputs kept)", flush=True)
    threading.Thread(target=runner.watch, daemon=True).start()
    pool = cf.ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = {pool.submit(runner.execute, nb, hashes[nb]): nb for nb in executing}
        for future in cf.as_completed(futures):
            nb = futures[future]
            status, seconds, detail = future.result()
            print(f"  {status:<9}  {nb}  {seconds:5.1f} s", flush=True)
            if status != "executed":
                failed.append((nb, detail))
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
    runner.stop_all()  # every chapter is done: ends the watcher and the fork servers
    runner.save_cache()
    print(
        f"{len(executing) - len(failed)} executed, {len(failed)} failed, {len(todo) - len(executing)} rejoined, "
        f"{len(chapters) - len(todo)} unchanged in {time.perf_counter() - start:.1f} s"
    )
    for nb, detail in failed:
        print(f"FAILED {nb}: {detail}", file=sys.stderr)
    return 1 if failed else 0


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
    runner, plan, hashes = prepare(args.chapters or toc_chapters(), args.data_dir, args.out, args.jobs, args.force)
    runner.timeout = args.timeout
    return run(runner, plan, hashes, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
