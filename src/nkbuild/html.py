"""Build the HTML book from the executed chapters (jupyter-book, execution off) and publish it atomically.

    python scripts/build_html.py [--executed DIR] [--html DIR]

The book's sources and the executed copies are staged in _build/book; the HTML is built into a
temporary directory and moved to _build/html only if the build succeeds, warnings included. If the
staged sources are unchanged since the last publication, nothing is rebuilt.
"""

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from nkbuild import executed_name, toc_chapters
from nkbuild import pdf as build_pdf
from nkrussia import ROOT

BOOK_FILES = ["_config.yml", "_toc.yml", "references.bib"]


def book_files(executed, data_dir=ROOT / "data"):
    """{path in the staged book: bytes}: the book's sources, each notebook replaced by its executed copy,
    and the data package the chapters were computed from (for the data appendix's download links)."""
    notebooks = toc_chapters()
    files = {name: (ROOT / name).read_bytes() for name in BOOK_FILES}
    for folder, into in ((ROOT / "chapters", "chapters"), (ROOT / "_static", "_static"), (Path(data_dir), "data")):
        for path in sorted(folder.rglob("*")):
            name = f"{into}/{path.relative_to(folder)}"
            skip = ".ipynb_checkpoints" in path.parts or path.suffix == ".ipynb" or name in notebooks
            if path.is_file() and not skip:
                files[name] = path.read_bytes()
    missing = []
    for notebook in map(executed_name, notebooks):
        source = Path(executed) / notebook
        if source.is_file():
            files[notebook] = source.read_bytes()
        else:
            missing.append(notebook)
    if missing:
        raise SystemExit(
            "Not built: these chapters have no executed copy (run scripts/run_chapters.py): " + ", ".join(missing)
        )
    files["chapters/execution_report.md"] = execution_report(executed).encode()
    return files


def stage(files, staging):
    """Make `staging` hold exactly `files`, rewriting only what changed: Sphinx decides what to read
    again by modification time."""
    staging.mkdir(parents=True, exist_ok=True)
    for path in sorted(staging.rglob("*"), reverse=True):
        name = str(path.relative_to(staging))
        if path.is_file() and name not in files:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for name, content in files.items():
        path = staging / name
        if not path.is_file() or path.read_bytes() != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)


PAGE = re.compile(r"chapters/[^/]+\.(ipynb|md)$")
# What other pages show of a page: its title (navigation, previous/next) and the labels it defines.
SHOWN = re.compile(rb'(?m)^"?\s*"?# [^\n"\\]+|^\(([^)\s]+)\)=|:name: \S+|:label: \S+')


def structure_hash(files):
    """Hash of all that one page's change cannot reach alone: everything but the pages, the pages' titles
    and labels, and the build tools. A page may be rebuilt alone only while this hash is unchanged."""
    digest = hashlib.sha256()
    for name, content in sorted(files.items()):
        if name == "book.pdf":  # the PDF edition: only the introduction links it
            continue
        shown = b"\0".join(m.group(0) for m in SHOWN.finditer(content)) if PAGE.match(name) else content
        digest.update(name.encode() + b"\0" + shown + b"\0")
    for name in BUILD_INPUTS:
        digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes() + b"\0")
    return digest.hexdigest()


BUILD_INPUTS = [
    "requirements.lock",
    "src/nkbuild/html.py",
    "src/nkbuild/sphinxext.py",
    "src/nkbuild/templates/theme-switcher.html",
    "src/nkbuild/templates/search-button-field.html",
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


def content_hash(files):
    """Hash of the staged book and of what else shapes the HTML (the build tools and our extension)."""
    digest = hashlib.sha256()
    for name, content in sorted(files.items()) + [(n, (ROOT / n).read_bytes()) for n in BUILD_INPUTS]:
        digest.update(name.encode() + b"\0" + content + b"\0")
    return digest.hexdigest()


def source_date_epoch():
    """The last commit's time (reproducible dates wherever Sphinx honours SOURCE_DATE_EPOCH)."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return os.environ["SOURCE_DATE_EPOCH"]
    log = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    return log.stdout.strip() or "0"


def sphinx(staging, out):
    """`jupyter-book build --warningiserror --nitpick --keep-going` of the staged book into `out`; return
    the exit status. Its banner is shown only when the build fails, with the warnings that failed it.
    (Sphinx's parallel jobs would not help: one of jupyter-book's extensions, sphinx_multitoc_numbering,
    does not declare itself safe for them.)"""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jupyter_book), "build", str(staging), "--path-output", str(out), "-W", "-n", "--keep-going", "-q"]
    result = subprocess.run(
        cmd, env=dict(os.environ, SOURCE_DATE_EPOCH=source_date_epoch()), capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
    return result.returncode


RENAME_EXCHANGE = 2  # linux/fs.h


def _exchange(a, b):
    """Swap two directories in one atomic step (Linux renameat2); False where the system cannot."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_cwd = -100  # AT_FDCWD: the paths are absolute
    return renameat2(at_cwd, os.fsencode(a.absolute()), at_cwd, os.fsencode(b.absolute()), RENAME_EXCHANGE) == 0


def publish(new, target):
    """Put the directory `new` in the place of `target` so that, whenever the build is killed, `target`
    holds the previous book or the new one, never nothing: one atomic exchange where the system offers
    it, else two renames, with a book left in `<target>.old` by a kill between them restored first."""
    old = target.with_name(target.name + ".old")
    if old.exists() and not target.exists():
        old.rename(target)
    if target.exists() and _exchange(new, target):
        shutil.rmtree(new)  # the previous book, now
        return
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executed", type=Path, default=ROOT / "_build" / "executed")
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data", help="the data the chapters were executed with")
    args = parser.parse_args(argv)
    build = args.html.parent
    tmp = build / "html.partial"
    if tmp.exists():  # left by a build that was killed
        shutil.rmtree(tmp)
    files = book_files(args.executed, args.data_dir)
    build_pdf.add_edition(files, build / "pdf" / "book.pdf")  # the PDF edition and its link, if built
    digest = content_hash(files)
    stamp = args.html / ".source-hash"
    if stamp.is_file() and stamp.read_text() == digest:
        print(f"HTML up to date: nothing rebuilt. Open {args.html / 'index.html'}")
        return 0
    start = time.perf_counter()
    # Sphinx keeps its environment and output in `sphinx/` between builds and rewrites only the pages
    # whose source changed; anything else that changed (configuration, table of contents, a title, a
    # label, data, tools) starts it afresh. A failed build is thrown away whole.
    work, staging = build / "sphinx", build / "book"
    structure = structure_hash(files)
    if not (work / ".structure").is_file() or (work / ".structure").read_text() != structure:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
    (work / ".structure").unlink(missing_ok=True)  # written back on success: a killed build starts afresh
    stage(files, staging)
    try:
        status = sphinx(staging, work)
    except KeyboardInterrupt:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if status != 0:
        shutil.rmtree(work, ignore_errors=True)
        print(f"HTML build FAILED (exit {status}); the previous book in {args.html} is untouched.", file=sys.stderr)
        return 1
    (work / ".structure").write_text(structure)
    # .buildinfo is Sphinx's own record for incremental builds (it holds a hash of the configuration,
    # which names the checkout's path): it stays in the work directory, readers have no use for it.
    shutil.copytree(work / "_build" / "html", tmp, ignore=shutil.ignore_patterns(".buildinfo"))
    (tmp / ".source-hash").write_text(digest)
    publish(tmp, args.html)
    print(f"HTML built in {time.perf_counter() - start:.1f} s. Open {args.html / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
