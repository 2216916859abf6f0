"""What a chapter cell shows: one object, two representations.

JupyterLab renders an output's `text/html`; the book renders its `text/markdown`, because `_config.yml`
ranks that mime type first (myst-nb's `nb_mime_priority_overrides`). So a figure is a chart with its
caption in JupyterLab and a numbered `{glue:figure}` with computed alt text in the book, and a table is an
HTML table in JupyterLab and a MyST table with citations and footnotes in the book.
"""

import base64
import html

import pandas as pd
from IPython.display import SVG, display
from myst_nb import glue

from . import figures
from .text import escape


def glue_values(values):
    """Glue each value for the prose ({glue:text}) and return them as a table, shown when a chapter is re-run
    (the setup cell is removed from the book's page)."""
    for key, value in values.items():
        glue(key, value, display=False)
    return pd.DataFrame({"value": {k: str(v) for k, v in values.items()}}).rename_axis("glued as")


class Figure:
    """A drawn figure with its alt text and caption. Shown, it glues its SVG under `key` and displays
    the chart (JupyterLab) or the `{glue:figure}` directive that places it, named `name` (the book)."""

    def __init__(self, key, name, fig, alt, caption):
        self.key, self.name, self.caption = key, name, caption
        self.alt = " ".join(str(alt).split())  # an option value is one line of plain text
        self.svg = figures.svg(fig)

    def directive(self):
        return f"```{{glue:figure}} {self.key}\n:name: {self.name}\n:alt: {self.alt}\n\n{self.caption}\n```"

    def html(self):
        data = base64.b64encode(self.svg.encode()).decode()
        return (
            f'<figure id="{html.escape(self.name)}" style="margin:0">'
            f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(self.alt)}" '
            'style="max-width:100%;background:white">'
            f"<figcaption>{html.escape(self.caption)}</figcaption></figure>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self.directive(), "text/html": self.html(), "text/plain": f"Figure: {self.caption}"}

    def _ipython_display_(self):
        glue(self.key, SVG(self.svg), display=False)
        display(self._repr_mimebundle_(), raw=True)


class Cell:
    """A table cell with markup: MyST for the book, HTML for JupyterLab (both already escaped)."""

    def __init__(self, myst, html):
        self.myst, self.html = myst, html


def _cell(value, markup):
    if isinstance(value, Cell):
        return getattr(value, markup)
    return escape(value) if markup == "myst" else html.escape(str(value))


class Table:
    """Rows of plain text (escaped here) or `Cell`s, with footnotes for the book (MyST) and for JupyterLab
    (HTML) under the table."""

    def __init__(self, header, rows, notes=None, css=None):
        self.header, self.rows = header, [list(r) for r in rows]
        self.notes = notes or Cell("", "")
        self.css = css  # a class for the table's container in the book (the stylesheet's narrow-screen rules)

    def markdown(self):
        frame = pd.DataFrame([[_cell(v, "myst") for v in row] for row in self.rows], columns=self.header)
        table = frame.to_markdown(index=False, tablefmt="github", disable_numparse=True)
        if self.css:
            table = f"````{{container}} {self.css}\n{table}\n````"
        return table + (f"\n\n{self.notes.myst}" if self.notes.myst else "")

    def html(self):
        frame = pd.DataFrame([[_cell(v, "html") for v in row] for row in self.rows], columns=self.header)
        return frame.to_html(index=False, escape=False) + self.notes.html

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/markdown": self.markdown(),
            "text/html": self.html(),
            "text/plain": f"Table of {len(self.rows)} rows: {', '.join(self.header)}",
        }


class Block:
    """A block of MyST for the book (an admonition, a list, a generated page) with its HTML for JupyterLab."""

    def __init__(self, myst, html_text, summary):
        self.myst, self.html_text, self.summary = myst, html_text, summary

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self.myst, "text/html": self.html_text, "text/plain": self.summary}
