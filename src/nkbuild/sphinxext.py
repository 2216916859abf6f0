"""A small Sphinx extension for the book's HTML build.

- The `evidence` role ties a sentence (or a table row) to citation ids: {evidence}`c012,c013` renders
  as links to those citations on the Evidence page, where each quote stands with its document and line.
  The links are ordinary Sphinx references to the labels `ev-c012`..., so an unknown id is an
  "undefined label" warning, which the build (-W) turns into an error. Each page carries, as JSON, the
  entries its marks point to (document, line, French quote, our translation: the `ev-*` spans of the
  Evidence page), which `_static/evidence.js` shows in a popover; and each Evidence entry lists the
  pages and sections that cite it. (sphinx-tippy does tooltips generically but writes a randomly named
  script per page on every build, which breaks the byte-identical builds the tests require, and has no
  Escape to close; hence this small extension.)
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

import json
from html import escape
from pathlib import Path

import pybtex.plugin
import pybtex.style.formatting.unsrt
import pybtex.style.labels
from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
from sphinx import addnodes
from sphinx.util.docutils import SphinxRole

TEMPLATES = Path(__file__).parent / "templates"


def evidence_label(citation_id):
    return f"ev-{citation_id.strip().lower()}"


FIELDS = ("ev-doc", "ev-line", "ev-fr", "ev-en")  # the spans of an Evidence entry a popover shows


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
                nodes.inline(text=cid, classes=["evidence-id"]),
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


def _marks(doctree):
    """(citation id, section) for every evidence mark of a doctree, the section being its nearest
    enclosing section's (id, title)."""
    for node in doctree.findall(nodes.inline):
        if "evidence-id" in node["classes"]:
            section = next((a for a in _ancestors(node) if isinstance(a, nodes.section)), None)
            where = (section["ids"][0], section[0].astext()) if section is not None and section["ids"] else ("", "")
            yield node.astext().strip().lower(), where


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def _record_uses(app, doctree):
    """After a document is read: which evidence entries it cites, and from which sections."""
    uses = getattr(app.env, "nk_evidence_uses", {})
    uses[app.env.docname] = sorted(set(_marks(doctree)))
    app.env.nk_evidence_uses = uses


def _purge_uses(app, env, docname):
    getattr(env, "nk_evidence_uses", {}).pop(docname, None)


def _merge_uses(app, env, docnames, other):
    env.nk_evidence_uses = {**getattr(env, "nk_evidence_uses", {}), **getattr(other, "nk_evidence_uses", {})}


def _evidence_docname(env):
    labels = env.domaindata["std"]["anonlabels"]  # a label before a paragraph has no title: anonymous
    return next((labels[k][0] for k in sorted(labels) if k.startswith("ev-c")), None)


def _outdated_evidence(app, env, added, changed, removed):
    """Re-read the Evidence page whenever a page (and so its citations) changed: it lists the citing pages."""
    evidence = _evidence_docname(env)
    return [evidence] if evidence and (added | changed | removed) - {evidence} else []


def _updated_by_evidence(app, env):
    """Pages whose marks show Evidence entries are rewritten when the Evidence page was re-read. Pages with
    index entries (the glossary's terms) are rewritten on every build: Sphinx 7.4's search index keeps the
    index entries of the pages it writes only, so an incremental build would drop the others' (measured:
    the glossary's terms missing from searchindex.js after a one-page edit)."""
    indexed = [d for d, entries in env.get_domain("index").entries.items() if entries]
    evidence = _evidence_docname(env)
    if evidence is None or evidence not in getattr(env, "nk_evidence_reread", ()):
        return indexed
    return indexed + [d for d, marks in getattr(env, "nk_evidence_uses", {}).items() if marks and d != evidence]


def _note_reread(app, env, docnames):
    env.nk_evidence_reread = set(docnames)


def _entries(app):
    """{citation id: {document, line, French, English}} from the Evidence page's `ev-*` spans."""
    env = app.env
    cache = getattr(app, "nk_evidence_entries", None)
    if cache is not None:
        return cache
    entries, evidence = {}, _evidence_docname(env)
    if evidence is not None:
        for para in env.get_doctree(evidence).findall(nodes.paragraph):
            ids = [i for i in para["ids"] if i.startswith("ev-c")]
            if ids:
                spans = {c: s.astext() for s in para.findall(nodes.inline) for c in s["classes"] if c in FIELDS}
                entries[ids[0][3:]] = {k[3:]: spans.get(k, "").strip("[] ") for k in FIELDS}
    app.nk_evidence_entries = entries
    return entries


def _backlinks(app, doctree, docname):
    """On the Evidence page, after each entry: the pages and sections that cite it."""
    if docname != _evidence_docname(app.env):
        return
    cited = {}
    titles = app.env.titles
    for page, marks in sorted(getattr(app.env, "nk_evidence_uses", {}).items()):
        for cid, (anchor, section) in marks:
            cited.setdefault(cid, []).append((page, anchor, section))
    for para in list(doctree.findall(nodes.paragraph)):
        ids = [i for i in para["ids"] if i.startswith("ev-c")]
        if not ids:
            continue
        uses = cited.get(ids[0][3:], [])
        line = nodes.paragraph(classes=["ev-cited"])
        if not uses:
            line += nodes.Text("Not cited in the text; shown in the tables and the explorer of its period.")
        else:
            line += nodes.Text("Cited in: ")
            for n, (page, anchor, section) in enumerate(uses):
                if n:
                    line += nodes.Text("; ")
                uri = app.builder.get_relative_uri(docname, page) + (f"#{anchor}" if anchor else "")
                page_title = titles[page].astext() if page in titles else page
                text = page_title + (f" › {section}" if section and section != page_title else "")
                line += nodes.reference("", text, internal=True, refuri=uri)
        para.parent.insert(para.parent.index(para) + 1, line)


def _evidence_data(app, pagename, templatename, context, doctree):
    """The Evidence entries this page's marks point to, as JSON for the popovers."""
    if doctree is None or "body" not in context:
        return
    used = sorted({cid for cid, _ in getattr(app.env, "nk_evidence_uses", {}).get(pagename, [])})
    if not used:
        return
    entries, evidence = _entries(app), _evidence_docname(app.env)
    base = app.builder.get_relative_uri(pagename, evidence)
    data = {c: {**entries[c], "href": f"{base}#ev-{c}"} for c in used if c in entries}
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c").replace("&", "\\u0026")
    context["body"] += f'<script type="application/json" id="evidence-data">{payload}</script>\n'


def visit_inline(self, node):
    """A French quote's span says its language (WCAG 3.1.2)."""
    self.body.append(self.starttag(node, "span", "", **({"lang": "fr"} if "ev-fr" in node["classes"] else {})))


def depart_inline(self, node):
    self.body.append("</span>")


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


class KeyLabels(pybtex.style.labels.BaseLabelStyle):
    """Bibliography labels that are the documents' keys (sources.csv's source_id): one name per document,
    the same in the chapters, tables, figures, explorer and bibliography."""

    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield entry.key


class KeyStyle(pybtex.style.formatting.unsrt.Style):
    default_label_style = "nkrussia-keys"


def _key_labels_once():
    pybtex.plugin.register_plugin("pybtex.style.labels", "nkrussia-keys", KeyLabels)
    pybtex.plugin.register_plugin("pybtex.style.formatting", "nkrussia", KeyStyle)


def _plaintext_backend_once():
    group = "pybtex.backends"
    pybtex.plugin.register_plugin(group, "plaintext", pybtex.plugin.find_plugin(group, "plaintext"), force=True)


def setup(app):
    _plaintext_backend_once()
    _key_labels_once()
    app.add_role("evidence", EvidenceRole())
    app.connect("doctree-read", _record_uses)
    app.connect("env-purge-doc", _purge_uses)
    app.connect("env-merge-info", _merge_uses)
    app.connect("env-get-outdated", _outdated_evidence)
    app.connect("env-before-read-docs", _note_reread)
    app.connect("env-get-updated", _updated_by_evidence)
    app.connect("doctree-resolved", _backlinks)
    app.connect("html-page-context", _evidence_data)
    app.add_node(nodes.inline, override=True, html=(visit_inline, depart_inline))
    app.connect("builder-inited", _mystnb_css_first)
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.add_node(HideCodeCellNode, override=True, html=(visit_hide_cell_input, depart_HideCellInput))
    app.connect("config-inited", _add_templates)
    app.connect(
        "html-page-context", _drop_repeated_scripts, priority=100
    )  # before any handler that returns a template and ends the event
    return {"parallel_read_safe": True, "parallel_write_safe": True}
