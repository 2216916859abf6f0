"""The book's build machinery: execute the chapters, build the HTML (and PDF), check and benchmark them.

The entry points in `scripts/` only call the `main` of a module here.
"""

import functools
from pathlib import Path

import yaml

from nkrussia import ROOT


@functools.cache
def toc_files(toc_path=ROOT / "_toc.yml"):
    """Every page of the book, as a path without extension relative to the book root, in _toc.yml order."""
    toc = yaml.load(Path(toc_path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return tuple(files)


def is_notebook(path):
    """A chapter notebook: a .ipynb file, or a MyST Markdown notebook (jupytext header with a kernelspec)."""
    path = Path(path)
    if path.suffix == ".ipynb":
        return path.is_file()
    if path.suffix != ".md" or not path.is_file():
        return False
    head = path.read_text(encoding="utf-8")[:1000]
    return head.startswith("---") and "kernelspec:" in head.split("\n---", 1)[0]


@functools.cache
def toc_chapters(toc_path=ROOT / "_toc.yml"):
    """The book's notebooks (paths relative to the book root, with their suffix) in _toc.yml order."""
    root = Path(toc_path).parent
    found = []
    for name in toc_files(toc_path):
        found += [f"{name}{suffix}" for suffix in (".md", ".ipynb") if is_notebook(root / f"{name}{suffix}")][:1]
    return tuple(found)


def read_notebook(path):
    """A chapter as an nbformat notebook, whether it is stored as MyST Markdown or as .ipynb."""
    import jupytext

    notebook = jupytext.read(path)
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{number}"  # a text notebook has no cell ids: jupytext would draw random ones
    return notebook


def executed_name(notebook):
    """Where a chapter's executed copy goes, relative to the executed directory: always a .ipynb."""
    return str(Path(notebook).with_suffix(".ipynb"))
