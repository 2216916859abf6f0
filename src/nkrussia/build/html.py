"""Build the HTML book from the executed chapters (jupyter-book, execution off) and publish it atomically.

    python scripts/build_html.py [--executed DIR] [--html DIR]

The book's sources and the executed copies are staged in _build/book; the HTML is built into a
temporary directory and moved to _build/html only if the build succeeds, warnings included. If the
staged sources are unchanged since the last publication, nothing is rebuilt.
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from nkrussia import ROOT
from nkrussia.build import executed_name, toc_chapters

BOOK_FILES = ["_config.yml", "_toc.yml", "references.bib"]


def stage(executed, staging, data_dir=ROOT / "data"):
    """Copy the book's sources into `staging`, with each notebook replaced by its executed copy and the
    data package the chapters were computed from (for the data appendix's download links)."""
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for name in BOOK_FILES:
        shutil.copy2(ROOT / name, staging / name)
    notebooks = toc_chapters()
    shutil.copytree(
        ROOT / "chapters",
        staging / "chapters",
        ignore=lambda folder, names: [
            n for n in names if n == ".ipynb_checkpoints" or n.endswith(".ipynb") or f"chapters/{n}" in notebooks
        ],
    )
    shutil.copytree(ROOT / "_static", staging / "_static")  # the book's CSS, picked up by jupyter-book
    shutil.copytree(data_dir, staging / "data")
    missing = []
    for notebook in map(executed_name, notebooks):
        source = Path(executed) / notebook
        if not source.is_file():
            missing.append(notebook)
            continue
        shutil.copyfile(source, staging / notebook)
    if missing:
        raise SystemExit(
            "Not built: these chapters have no executed copy (run scripts/run_chapters.py): " + ", ".join(missing)
        )
    (staging / "chapters" / "execution_report.md").write_text(execution_report(executed), encoding="utf-8")


BUILD_INPUTS = [
    "requirements.lock",
    "src/nkrussia/build/html.py",
    "src/nkrussia/sphinxext.py",
    "src/nkrussia/templates/theme-switcher.html",
    "src/nkrussia/templates/search-button-field.html",
]


REPORT_PACKAGES = ["jupyter-book", "myst-nb", "sphinx", "papermill", "pandas", "matplotlib", "frictionless"]


def execution_report(executed):
    """The execution report page, in MyST Markdown, from the runner's record of the last build. It is
    the one page expected to differ between two builds, so it is kept out of the search index."""
    import json
    import platform
    from importlib.metadata import version

    record_file = Path(executed) / "report.json"
    record = json.loads(record_file.read_text()) if record_file.is_file() else {}
    rows = "\n".join(
        f"| {nb} | {r['status']} | {r['seconds']:.1f} | {r.get('peak_mib', '')} |"
        for nb, r in sorted(record.items())
        if nb in toc_chapters()
    )
    versions = ", ".join(f"{name} {version(name)}" for name in REPORT_PACKAGES)
    total = sum(r["seconds"] for nb, r in record.items() if nb in toc_chapters())
    return f"""---
nosearch: true
---
# Execution report

How each chapter ran the last time papermill executed it (a chapter unchanged since an earlier build
keeps the record of the build that executed it). Times include starting the kernel; memory is the peak
resident memory of papermill and its kernel together. The chapters took {total:.0f} s of execution in
all; with several workers they run side by side.

| Chapter | Status | Seconds | Peak memory (MiB) |
|---|---|---|---|
{rows}

Built with Python {platform.python_version()}: {versions}.
"""


def sources_hash(staging):
    """Hash of the staged book and of what else shapes the HTML (the build tools and our extension)."""
    digest = hashlib.sha256()
    files = [(p.relative_to(staging), p) for p in sorted(staging.rglob("*")) if p.is_file()]
    for name, path in files + [(name, ROOT / name) for name in BUILD_INPUTS]:
        digest.update(str(name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def source_date_epoch():
    """The last commit's time (reproducible dates wherever Sphinx honours SOURCE_DATE_EPOCH)."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return os.environ["SOURCE_DATE_EPOCH"]
    log = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    return log.stdout.strip() or "0"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executed", type=Path, default=ROOT / "_build" / "executed")
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data", help="the data the chapters were executed with")
    args = parser.parse_args(argv)
    build = args.html.parent
    staging = build / "book"
    stage(args.executed, staging, args.data_dir)
    digest = sources_hash(staging)
    stamp = args.html / ".source-hash"
    if stamp.is_file() and stamp.read_text() == digest:
        print(f"HTML up to date: nothing rebuilt. Open {args.html / 'index.html'}")
        return 0
    start = time.perf_counter()
    tmp = build / "html.partial"
    if tmp.exists():
        shutil.rmtree(tmp)
    cmd = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(staging),
        "--path-output",
        str(tmp),
        "--warningiserror",
        "--nitpick",
        "--keep-going",
        "--quiet",
    ]
    env = dict(os.environ, SOURCE_DATE_EPOCH=source_date_epoch())
    try:
        result = subprocess.run(cmd, env=env)
    except KeyboardInterrupt:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if result.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        print(
            f"HTML build FAILED (exit {result.returncode}); the previous book in {args.html} is untouched.",
            file=sys.stderr,
        )
        return 1
    new = tmp / "_build" / "html"
    (new / ".source-hash").write_text(digest)
    old = build / "html.old"
    if old.exists():
        shutil.rmtree(old)
    if args.html.exists():
        args.html.rename(old)
    new.rename(args.html)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"HTML built in {time.perf_counter() - start:.1f} s. Open {args.html / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
