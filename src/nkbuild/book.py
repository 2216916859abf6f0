"""Build the whole book: validate the data, execute the chapters, build and publish the HTML.

    python scripts/build_book.py [-j N] [--timeout S] [--data-dir DIR] [--build DIR]

Only one build runs at a time in a checkout: a second one stops with a message while the first
holds _build/book.lock (the lock is released by the system if the first build dies). Nothing is
executed after a failed validation, and the HTML is published only if every chapter executed.
"""

import argparse
import fcntl
import hashlib
import os
import sys
import time
from pathlib import Path

from nkbuild import html as build_html
from nkbuild import runner as run_chapters
from nkbuild import toc_chapters
from nkrussia import ROOT


def take_lock(build):
    build.mkdir(parents=True, exist_ok=True)
    handle = open(build / "book.lock", "a+")  # noqa: SIM115 (held open, and locked, for the whole build)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        print(
            f"Another `make book` is already running in this checkout (pid {holder}). "
            "Wait for it to finish, then run `make book` again.",
            file=sys.stderr,
        )
        return None
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def validation_key(data_dir):
    """What a validation result depends on: the data and the package (both in inputs_hash), and the corpus."""
    from nkrussia import corpus_dir

    digest = hashlib.sha256(run_chapters.inputs_hash(data_dir).encode())
    corpus = corpus_dir()
    for path in sorted(corpus.glob("*")) if corpus.is_dir() else []:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def validate(data_dir, build):
    """Validate the data package unless this exact data was already found valid."""
    stamp = build / "validated"
    key = validation_key(data_dir)
    if stamp.is_file() and stamp.read_text() == key:
        print("Data unchanged since its last successful validation.")
        return True
    from nkrussia.validate import main as validate_main

    if validate_main(["--data-dir", str(data_dir)]) != 0:
        stamp.unlink(missing_ok=True)
        print("Validation failed: no chapter executed, the published book is unchanged.", file=sys.stderr)
        return False
    stamp.write_text(key)
    return True


def main(argv=None):
    run_chapters.interruptible()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=None, help="seconds per chapter")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--build", type=Path, default=ROOT / "_build", help="where executed chapters and HTML go")
    args = parser.parse_args(argv)
    try:
        return build(args)
    except KeyboardInterrupt:
        print("\nInterrupted: nothing was published.", file=sys.stderr)
        return 130


def build(args):
    start = time.perf_counter()
    lock = take_lock(args.build)
    if lock is None:
        return 75
    executed = args.build / "executed"
    # The kernels' fork server starts importing now, while the data is validated.
    runner, plan, hashes = run_chapters.prepare(toc_chapters(), args.data_dir, executed, args.jobs)
    if args.timeout:
        runner.timeout = args.timeout
    try:
        if not validate(args.data_dir, args.build):
            runner.stop_all()
            return 1
        status = run_chapters.run(runner, plan, hashes, args.jobs)
    except KeyboardInterrupt:
        runner.stop_all()
        raise
    if status != 0:
        print(
            f"Not published: the chapters did not all execute; the previous book in {args.build / 'html'} is "
            "unchanged.",
            file=sys.stderr,
        )
        return status
    status = build_html.main(
        ["--executed", str(executed), "--html", str(args.build / "html"), "--data-dir", str(args.data_dir)]
    )
    print(f"Book built in {time.perf_counter() - start:.1f} s (after start-up).")
    return status
