"""A small Sphinx extension for the book's HTML build.

sphinx-thebe registers its inline configuration script twice under jupyter-book 1.x, which makes
every page log "Identifier 'THEBE_JS_URL' has already been declared"; drop the repeated scripts.
"""


def _drop_repeated_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (getattr(script, "filename", script) or "", tuple(sorted((getattr(script, "attributes", None) or {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _drop_repeated_scripts, priority=100)  # before any handler that returns a template and ends the event
    return {"parallel_read_safe": True, "parallel_write_safe": True}
