"""Write the prose of the built book as plain text, for a second reader who checks every claim.

    python scripts/extract_prose.py [--html DIR] OUT

Keeps headings, paragraphs, list items, table rows (marked "[TABLE ROW]"), figure captions and alt text
(marked "[FIGURE ALT TEXT]") of the chapters a reader checks; leaves out code (the quotes are on the
Evidence page). With --evidence FILE, also writes one line per entry of the Evidence page (id, what it
supports, document, line, quote and our translation).
"""

import argparse
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [
    "introduction",
    "korean_war",
    "cold_war",
    "rupture",
    "putin_revival",
    "debt_relief",
    "alliance",
    "synthesis",
    "source_criticism",
    "codebook",
    "reliability",
    "actors",
    "data_appendix",
    "explorer",
    "glossary",
]


def prose(page):
    main = BeautifulSoup(page, "html.parser").find("article")
    for tag in main.select("script, style, .cell_input, .headerlink"):
        tag.decompose()
    parts = []
    for el in main.find_all(["h1", "h2", "h3", "p", "li", "figcaption", "img", "tr"]):
        if el.name == "img":
            parts += [f"[FIGURE ALT TEXT] {el['alt']}"] if el.get("alt") else []
        elif el.name == "tr":
            cells = [" ".join(c.get_text(" ").split()) for c in el.find_all(["td", "th"])]
            parts += [f"[TABLE ROW] {' | '.join(cells)}"] if any(cells) else []
        elif not (
            el.find_parent("table")
            or el.find_parent(class_="footnote")
            or el.find_parent("aside")
            or (el.name == "li" and el.find_parent("li"))
        ):
            text = " ".join(el.get_text(" ").split())
            parts += [("## " if el.name in ("h1", "h2", "h3") else "") + text] if text else []
    return "\n".join(dict.fromkeys(parts))


def evidence(page):
    entries = BeautifulSoup(page, "html.parser").find("article").select("[id^=ev-]")
    return "\n".join(" ".join(entry.get_text(" ").split()) for entry in entries)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--evidence", type=Path, help="also write the Evidence page's entries here")
    args = parser.parse_args(argv)
    if args.evidence:
        args.evidence.write_text(evidence((args.html / "chapters" / "evidence.html").read_text(encoding="utf-8")))
    text = "".join(
        f"\n\n==================== CHAPTER: {name} ====================\n"
        + prose((args.html / "chapters" / f"{name}.html").read_text(encoding="utf-8"))
        for name in CHAPTERS
    )
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
