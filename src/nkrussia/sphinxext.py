"""A small Sphinx extension for the book's HTML build.

- The `evidence` role ties a sentence to citation ids: {evidence}`c012,c013` renders as links to
  those citations on the Evidence page, where each quote stands with its document and line. The
  links are ordinary Sphinx references to the labels `ev-c012`..., so an unknown id is an
  "undefined label" warning, which the build (-W) turns into an error.
- Accessibility (axe-core, WCAG 2.1 AA): citations are rendered as a list of list items (docutils
  wraps them in role="list" with the deprecated role doc-biblioentry on each); myst-nb's "Show code cell
  source" toggle loses its aria-label, so that its name is its visible text; the theme's colour-mode
  button comes from templates/.
- Speed: sphinxcontrib-bibtex looks up pybtex's plain-text backend once per citation, and pybtex finds
  it by scanning every installed package's entry points (about 20 ms a time, half of a cold build);
  the backend is registered once as a pybtex runtime plugin, which pybtex checks first.
- sphinx-thebe registers its inline configuration script twice under jupyter-book 1.x, which makes
  every page log "Identifier 'THEBE_JS_URL' has already been declared"; drop the repeated scripts.
"""

from html import escape
from pathlib import Path

import pybtex.plugin
from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
from sphinx import addnodes
from sphinx.util.docutils import SphinxRole

TEMPLATES = Path(__file__).parent / "templates"


def evidence_label(citation_id):
    return f"ev-{citation_id.strip().lower()}"


class EvidenceRole(SphinxRole):
    def run(self):
        ids = [i.strip() for i in self.text.split(",") if i.strip()]
        group = nodes.inline(classes=["evidence"])
        group += nodes.Text("[")
        for n, cid in enumerate(ids):
            if n:
                group += nodes.Text(", ")
            ref = addnodes.pending_xref(
                "",
                nodes.inline(text=cid),
                refdomain="std",
                reftype="ref",
                reftarget=evidence_label(cid),
                refexplicit=True,
                refwarn=True,
                refdoc=self.env.docname,
            )
            group += ref
        group += nodes.Text("]")
        return [group], []


def _drop_repeated_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (
            getattr(script, "filename", script) or "",
            tuple(sorted((getattr(script, "attributes", None) or {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def _mystnb_css_first(app):
    """Put myst-nb's stylesheet in place before any page is written. myst-nb copies it only when the
    build finishes, so a cold build links it without Sphinx's `?v=` checksum while a later incremental
    build links it with one: copying it first makes an incremental build equal a cold one."""
    if app.builder.format == "html":
        from myst_nb.sphinx_ext import add_global_html_resources

        Path(app.builder.outdir, "_static").mkdir(parents=True, exist_ok=True)
        add_global_html_resources(app, None)


def visit_citation(self, node):
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self, node):
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def visit_hide_cell_input(self, node):
    """myst-nb's toggle without its aria-label ("Toggle hidden content"), which differs from the text shown."""
    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def _add_templates(app, config):
    config.templates_path.insert(0, str(TEMPLATES))


def _plaintext_backend_once():
    group = "pybtex.backends"
    pybtex.plugin.register_plugin(group, "plaintext", pybtex.plugin.find_plugin(group, "plaintext"), force=True)


def setup(app):
    _plaintext_backend_once()
    app.add_role("evidence", EvidenceRole())
    app.connect("builder-inited", _mystnb_css_first)
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.add_node(HideCodeCellNode, override=True, html=(visit_hide_cell_input, depart_HideCellInput))
    app.connect("config-inited", _add_templates)
    app.connect(
        "html-page-context", _drop_repeated_scripts, priority=100
    )  # before any handler that returns a template and ends the event
    return {"parallel_read_safe": True, "parallel_write_safe": True}
