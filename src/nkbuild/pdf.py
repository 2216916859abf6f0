"""Build the PDF edition: the whole built HTML book as one PDF, offline, with Debian's chromium.

    python scripts/build_pdf.py [--html DIR] [--out FILE] [--chromium PATH]

Serves the HTML on 127.0.0.1 and prints every page of _toc.yml with chromium (Playwright's page.pdf,
through the book's print stylesheet _static/print.css), so each chapter starts on a new page. pypdf
then puts a title page and a table of contents (with the page numbers of the merged book) in front,
stamps page numbers running through the whole book, writes one bookmark per part and per chapter
(the chapter's sections under it) and turns links between pages into links inside the PDF. The
file is written atomically. Its dates are the last commit's (SOURCE_DATE_EPOCH, as for the HTML) and two
builds from the same HTML normally give the same bytes; chromium now and then places a text run a
fraction of a point differently (seen once: 0.16 pt on one page of 143).

The next HTML build (`make book`) copies the PDF into the book and links it from the introduction.
"""

import argparse
import contextlib
import html
import io
import os
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, FloatObject, NameObject, NullObject

from nkbuild import toc_files
from nkrussia import ROOT

PAGE = {"format": "A4", "margin": {"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"}}
FOOTER = '<div style="font: 9px sans-serif; width: 100%; text-align: center; color: #444"><span class="pageNumber"></span></div>'
STAGED_NAME = "book.pdf"  # where the HTML build's staging puts the PDF (beside _toc.yml)

# Visible h1-h3 of the article, in order (chromium's own outline titles lose the space at a line break).
HEADINGS_JS = """() => [...document.querySelectorAll('article.bd-article :is(h1, h2, h3)')]
  .filter(h => h.checkVisibility())
  .map(h => [...h.childNodes].filter(n => !(n.classList && n.classList.contains('headerlink')))
            .map(n => n.textContent).join('').replace(/\\s+/g, ' ').trim())"""
WIDE_JS = """() => [...document.querySelectorAll('article.bd-article table, article.bd-article img')]
  .filter(e => e.checkVisibility() && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"""
# Tables wider than the page get fixed, equal columns (_static/print.css); what is still too wide is reported.
OVERFLOW_JS = f"""() => {{
  ({WIDE_JS})().filter(e => e.tagName === 'TABLE').forEach(t => t.classList.add('nk-print-fit'));
  return ({WIDE_JS})().map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''));
}}"""


def toc_parts(toc_path=ROOT / "_toc.yml"):
    """[(caption or None, [page, ...]), ...] in _toc.yml order: the root page first, without a part."""
    toc = yaml.safe_load(Path(toc_path).read_text(encoding="utf-8"))
    parts = [(None, [toc["root"]])]
    for part in toc.get("parts", [{"chapters": toc.get("chapters", [])}]):
        parts.append((part.get("caption"), toc_files_of(part.get("chapters", []))))
    assert [f for _, files in parts for f in files] == list(toc_files(toc_path))
    return parts


def toc_files_of(entries):
    found = []
    for entry in entries:
        if "file" in entry:
            found.append(entry["file"])
        found += toc_files_of(entry.get("sections", []))
    return found


@contextlib.contextmanager
def printer(html_dir, chromium):
    """Chromium on the book served at 127.0.0.1; yields the server's base URL, `print_page(name)` ->
    (pdf bytes, visible headings, elements wider than the page) and `print_html(markup, **options)`."""
    from playwright.sync_api import sync_playwright

    from nkbuild.check import CHROMIUM_ARGS, serve

    server = serve(html_dir)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            # The viewport is the printed width (A4 less the margins, at 96 px per inch), to measure overflow.
            context = browser.new_context(viewport={"width": 672, "height": 1000})
            context.route(
                "**/*",
                lambda route, request: route.continue_() if request.url.startswith((base, "data:")) else route.abort(),
            )
            page = context.new_page()
            page.emulate_media(media="print")

            def print_page(name):
                # A fresh tab per page: what an earlier page loaded must not shift this one's layout.
                tab = context.new_page()
                tab.emulate_media(media="print")
                tab.goto(f"{base}{name}.html", wait_until="networkidle")
                tab.evaluate("document.fonts.ready.then(() => true)")
                headings, overflow = tab.evaluate(HEADINGS_JS), tab.evaluate(OVERFLOW_JS)
                pdf = tab.pdf(**PAGE, outline=True, tagged=True)  # chromium's outline needs the tags
                tab.close()
                return pdf, headings, overflow

            def print_html(markup, **options):
                page.set_content(markup, wait_until="load")
                return page.pdf(**PAGE, **options)

            yield base, print_page, print_html
            browser.close()
    finally:
        server.shutdown()


def front_matter(title, author, parts, starts):
    """The title page and the table of contents, as one HTML document (no external resource)."""
    rows = []
    for caption, entries in parts:
        if caption:
            rows.append(f'<li class="part">{html.escape(caption)}</li>')
        rows += [
            f'<li><span class="t">{html.escape(t)}</span><span class="n">{starts.get(n, "000")}</span></li>'
            for n, t in entries
        ]
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>
body {{ font-family: sans-serif; color: #222; }}
.title {{ height: 230mm; display: flex; flex-direction: column; justify-content: center; text-align: center;
  break-after: page; }}
.title h1 {{ font-size: 30pt; font-weight: 600; margin: 0 0 12mm; }}
.title p {{ font-size: 12pt; margin: 2mm 0; }}
h2 {{ font-size: 18pt; font-weight: 600; }}
ol {{ list-style: none; padding: 0; font-size: 11pt; }}
li {{ display: flex; margin: 1.6mm 0; }}
li .t {{ flex: 1; border-bottom: 1px dotted #999; margin-right: 2mm; }}
li .n {{ min-width: 2.5em; text-align: right; }}
li.part {{ font-weight: 600; margin-top: 6mm; }}
</style></head><body>
<section class="title"><h1>{html.escape(title)}</h1><p>{html.escape(author)}</p>
<p>PDF edition, printed from the HTML book. The interactive explorer, search and the data downloads are in the
HTML edition.</p><p>Text and data: CC-BY-4.0. Code: MIT.</p></section>
<h2>Contents</h2><ol>{"".join(rows)}</ol></body></html>"""


def page_numbers(print_html, count):
    """`count` blank pages whose footer carries chromium's page number: stamped over the merged book."""
    blank = '<div style="break-after: page">&nbsp;</div>' * (count - 1) + "<div>&nbsp;</div>"
    pdf = print_html(
        f"<!DOCTYPE html><html><body>{blank}</body></html>",
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=FOOTER,
    )
    return PdfReader(io.BytesIO(pdf))


def add_outline(writer, reader, items, offset, parent, titles):
    """Copy a chapter's outline (chromium's, from its headings) under `parent`, skipping its own h1."""
    for i, item in enumerate(items):
        if isinstance(item, list):
            continue
        node = writer.add_outline_item(
            title=next(titles, item.title),
            page_number=offset + reader.get_destination_page_number(item),
            parent=parent,
            is_open=False,
        )
        if i + 1 < len(items) and isinstance(items[i + 1], list):
            add_outline(writer, reader, items[i + 1], offset, node, titles)


def relink(writer, chapters, base):
    """Point every link that chromium left to a named destination of its page, or to the local
    server, at the right page of the merged PDF (a fragment not known to the target page's PDF
    lands on that page's first page); links to other pages of the server that are not in the book
    are removed."""
    targets = {}
    for name, (reader, offset) in chapters.items():
        targets[(name, "")] = (offset, None)
        for dest_name, dest in reader.named_destinations.items():
            targets[(name, dest_name.lstrip("/"))] = (offset + reader.get_destination_page_number(dest), dest.top)
    owner = [name for name, (reader, offset) in chapters.items() for _ in reader.pages]
    front = len(writer.pages) - len(owner)
    for index, page in enumerate(writer.pages[front:], start=front):
        name = owner[index - front]
        kept = ArrayObject()
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            action = annot.get("/A", {})
            if "/Dest" in annot and not isinstance(annot["/Dest"], ArrayObject):
                key = (name, str(annot["/Dest"]).lstrip("/"))
            elif action.get("/S") == "/URI" and action["/URI"].startswith(base):
                url, fragment = urldefrag(action["/URI"])
                key = (unquote(urlparse(url).path).lstrip("/").removesuffix(".html"), fragment)
                key = key if key in targets else (key[0], "")
                if key not in targets:
                    continue
            else:
                kept.append(ref)
                continue
            target, top = targets.get(key, targets[(name, "")])
            annot.pop("/A", None)
            annot[NameObject("/Dest")] = ArrayObject(
                [
                    writer.pages[target].indirect_reference,
                    NameObject("/XYZ"),
                    NullObject(),
                    FloatObject(top) if top is not None else NullObject(),
                    NullObject(),
                ]
            )
            kept.append(ref)
        if "/Annots" in page:
            page[NameObject("/Annots")] = kept


def build(html_dir, out, chromium="/usr/bin/chromium"):
    """Print and merge the book; returns (pages, chapters, overflowing elements per page)."""
    from nkbuild.html import source_date_epoch

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    parts = toc_parts()
    names = [n for _, files in parts for n in files]
    with printer(html_dir, chromium) as (base, print_page, print_html):
        printed = {n: print_page(n) for n in names}
        readers = {n: PdfReader(io.BytesIO(printed[n][0])) for n in names}
        titles = {n: printed[n][1][0] for n in names}
        titled = [(caption, [(n, titles[n]) for n in files]) for caption, files in parts]

        def front(starts):
            markup = front_matter(config["title"], config["author"], titled, starts)
            return PdfReader(io.BytesIO(print_html(markup)))

        cover = front({})  # placeholder numbers first: the contents' own length shifts every chapter
        while True:
            starts, offset = {}, len(cover.pages)
            for n in names:
                starts[n] = offset + 1
                offset += len(readers[n].pages)
            numbered = front(starts)
            if len(numbered.pages) == len(cover.pages):
                break
            cover = numbered
        numbers = page_numbers(print_html, offset)

    writer = PdfWriter()
    for page in numbered.pages:
        writer.add_page(page)
    chapters = {}
    for n in names:
        chapters[n] = (readers[n], len(writer.pages))
        for page in readers[n].pages:
            writer.add_page(page)
    for index, page in enumerate(writer.pages):
        if index:  # the title page carries no number
            page.merge_page(numbers.pages[index])
            page.compress_content_streams()
    writer.add_outline_item(title="Contents", page_number=1)
    for caption, files in parts:
        parent = writer.add_outline_item(title=caption, page_number=chapters[files[0]][1]) if caption else None
        for n in files:
            reader, start = chapters[n]
            node = writer.add_outline_item(title=titles[n], page_number=start, parent=parent, is_open=False)
            top = [item for item in reader.outline if not isinstance(item, list)]
            # chromium's outline: the page's h1 with its sections nested under it.
            sub = reader.outline[1] if len(top) == 1 and len(reader.outline) > 1 else []
            add_outline(writer, reader, sub, start, node, iter(printed[n][1][1:]))
    relink(writer, chapters, base)
    writer.page_mode = "/UseOutlines"
    epoch = time.strftime("D:%Y%m%d%H%M%SZ", time.gmtime(int(source_date_epoch())))
    writer.add_metadata(
        {
            "/Title": config["title"],
            "/Author": config["author"],
            "/Creator": "nkbuild.pdf (Debian chromium, pypdf)",
            "/CreationDate": epoch,
            "/ModDate": epoch,
        }
    )
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with open(partial, "wb") as handle:
        writer.write(handle)
    os.replace(partial, out)
    return len(writer.pages), names, {n: printed[n][2] for n in names if printed[n][2]}


def add_edition(files, pdf):
    """For the HTML build: when the PDF edition exists, add it to the staged book's files and a download
    link to the (executed) introduction, after its opening cell. Without it, nothing changes.
    (Not html_extra_path: it would copy the file, but the link must exist only when the PDF does, or
    `make book` without `make pdf` publishes a dead link.)"""
    import nbformat

    pdf = Path(pdf)
    if not pdf.is_file():
        return
    files[STAGED_NAME] = pdf.read_bytes()
    name = f"{toc_files()[0]}.ipynb"
    notebook = nbformat.reads(files[name].decode("utf-8"), as_version=4)
    pages = len(PdfReader(pdf).pages)
    link = nbformat.v4.new_markdown_cell(
        f"```{{container}} pdf-edition\nThe whole book is also available as one PDF for printing, annotating "
        f"and archiving: [the PDF edition](../{STAGED_NAME}) ({pages} pages).\n```"
    )
    link.id = "pdf-edition"
    notebook.cells.insert(1, link)
    files[name] = (nbformat.writes(notebook) + "\n").encode("utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=None, help="default: pdf/book.pdf beside the HTML directory")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    out = args.out or args.html.parent / "pdf" / "book.pdf"
    if not (args.html / "index.html").is_file():
        print(f"No book at {args.html}: run `make book` first.", file=sys.stderr)
        return 1
    start = time.perf_counter()
    pages, names, overflow = build(args.html, out, args.chromium)
    for name, elements in overflow.items():
        print(f"PROBLEM {name}: wider than the printed page: {', '.join(elements)}", file=sys.stderr)
    print(
        f"PDF edition: {pages} pages, {len(names)} chapters, {out.stat().st_size} bytes, "
        f"built in {time.perf_counter() - start:.1f} s: {out}"
    )
    return 1 if overflow else 0
