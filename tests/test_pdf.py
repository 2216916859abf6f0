"""The PDF edition (nkbuild.pdf), printed from the session's built HTML by Debian's chromium."""

import html as htmllib
import os
import re
import shutil
import sys

import pytest
from conftest import BUILD, run
from pypdf import PdfReader

from nkbuild import toc_files
from nkbuild.pdf import toc_parts
from nkrussia import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LETTER_WIDTH, A4_HEIGHT = 612, 842.89

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (apt-get install chromium); CI installs it",
)


@pytest.fixture(scope="module")
def edition(built, tmp_path_factory):
    """The PDF printed from the built HTML, beside a copy of it (where the HTML build looks for it)."""
    executed, html, _ = built
    build = tmp_path_factory.mktemp("edition")
    out = build / "pdf" / "book.pdf"
    result = run(
        [sys.executable, str(ROOT / "scripts" / "build_pdf.py"), "--html", str(html), "--out", str(out)]
        + ["--chromium", CHROMIUM]
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    return PdfReader(out), out, executed, html, build


def title_of(html_file):
    """A page's h1, as the HTML shows it."""
    h1 = next(
        h for h in re.findall(r"<h1>(.*?)</h1>", html_file.read_text(encoding="utf-8"), re.S) if "headerlink" in h
    )
    return htmllib.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<a class="headerlink".*?</a>', "", h1))).strip()


def squeeze(text):
    """Text without its white space (extracted text breaks lines where the page does)."""
    return "".join(text.split())


def flatten(outline):
    for item in outline:
        if isinstance(item, list):
            yield from flatten(item)
        else:
            yield item


def test_a_bookmark_per_part_and_chapter_in_book_order(edition):
    reader, _, _, html, _ = edition
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top == ["Contents"] + [title_of(html / f"{toc_files()[0]}.html")] + [c for c, _ in toc_parts() if c]
    titles = [item.title for item in flatten(reader.outline)]
    chapters = [title_of(html / f"{name}.html") for name in toc_files()]
    assert [t for t in titles if t in chapters] == chapters  # each once, in _toc.yml order
    assert len(titles) > len(chapters) + 20  # the chapters' sections too


def test_pages_are_a4_numbered_and_the_text_extracts(edition):
    reader, out, _, html, _ = edition
    assert 60 <= len(reader.pages) <= 600
    assert 200_000 < out.stat().st_size < 30_000_000
    for page in reader.pages:
        assert float(page.mediabox.width) <= LETTER_WIDTH and float(page.mediabox.height) <= A4_HEIGHT
    texts = [page.extract_text() for page in reader.pages]
    # The table of contents gives each chapter's page, where the title and the chapter's bookmark are.
    bookmarks = {item.title: reader.get_destination_page_number(item) + 1 for item in flatten(reader.outline)}
    contents = texts[1].splitlines()
    for name in toc_files():
        title = title_of(html / f"{name}.html")
        line = next(line for line in contents if line.startswith(title))
        number = int(line.rsplit(maxsplit=1)[-1])
        assert squeeze(title) in squeeze(texts[number - 1]) and bookmarks[title] == number, (title, number)
    # Page numbers run through the whole book (the title page has none).
    for number, text in enumerate(texts[1:], start=2):
        assert re.search(rf"(^|\n){number}\s*$", text) or re.search(rf"(^|\n){number}\n", text), number


def test_every_figure_and_the_bibliography_are_printed(edition):
    reader, _, _, html, _ = edition
    book = "\n".join(page.extract_text() for page in reader.pages)
    captions, images = set(), 0
    for name in toc_files():
        page = (html / f"{name}.html").read_text(encoding="utf-8")
        captions |= set(re.findall(r'<span class="caption-number">(Figure \d+) </span>', page))
        images += len(re.findall(r'<img [^>]*src="(?![^"]*\.svg")', page))  # raster images (SVG prints as vectors)
    assert captions
    assert not [c for c in captions if c + " " not in book.replace("\n", " ")]
    printed = sum(
        1
        for page in reader.pages
        for xobject in page["/Resources"].get("/XObject", {}).values()
        if xobject.get_object().get("/Subtype") == "/Image"
    )
    assert printed >= images
    bibliography = (html / "chapters" / "bibliography.html").read_text(encoding="utf-8")
    for label in re.findall(r'<span class="label"><span class="fn-bracket">\[</span>([^<]+)<', bibliography):
        assert f"[{label}]" in book, label


def test_links_between_pages_stay_inside_the_pdf(edition):
    reader, _, _, _, _ = edition
    uris = [
        annot.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if "/A" in annot.get_object() and "/URI" in annot.get_object()["/A"]
    ]
    assert not [u for u in uris if "127.0.0.1" in u or "localhost" in u]


def test_the_html_build_links_the_pdf_from_the_introduction(edition):
    _, out, executed, _, build = edition
    html = build / "html"
    result = run(BUILD + ["--executed", str(executed), "--html", str(html)])
    assert result.returncode == 0, result.stdout + result.stderr
    intro = (html / f"{toc_files()[0]}.html").read_text(encoding="utf-8")
    link = re.search(r'href="(\.\./_downloads/[0-9a-f]+/book\.pdf)"', intro)
    assert link and "pdf-edition" in intro
    assert (html / "chapters" / link.group(1)).resolve().read_bytes() == out.read_bytes()
