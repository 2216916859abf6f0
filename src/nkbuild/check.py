"""Check the built book in a real browser (Debian's chromium, driven by Playwright), offline.

    python scripts/check_html.py [--html DIR] [--shots DIR | --no-shots] [--viewport V] [--theme T] [--chromium PATH]

Serves the HTML on 127.0.0.1 (a free port) and visits every page of _toc.yml plus the search and
index pages, at a desktop and a phone viewport, each in the light and the dark theme. On each page:
axe-core's WCAG 2.0/2.1 A and AA rules (axe.min.js as bundled by axe-playwright-python), every figure's
text no smaller than the page's small print at phone width; in the light theme also no console errors, no failed request,
no request to any other host, every image decoded and every figure image with alt text, every
internal link and anchor resolving, every citation landing on a bibliography entry. The explorer's
filters are exercised and each of its citation links must land on its entry of the Evidence page.
Then it searches the book for a word from a chapter. Unless --no-shots, it saves a screenshot of each page
(and of each chapter in dark mode); it prints one line per page and theme. Exit status 1 on any problem, each
axe violation listed with page, theme, width, rule and node.
"""

import argparse
import functools
import http.server
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from nkbuild import toc_chapters, toc_files
from nkrussia import ROOT

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SEARCH_WORD = "Vladivostok"
THEMES = ("light", "dark")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Figure text is no smaller than the page's small print: the smallest computed font size of the text the
# page shows outside its figures, less half a pixel for rounding.
SMALL_PRINT_TOLERANCE_PX = 0.5

# Each figure's SVG laid out inline at the size its <img> has on the page: every text's font size
# times the scale its transforms (viewBox, rotations) give it is the size the reader sees.
FIGURE_TEXT = """async () => {
  const smallPrint = () => {  // the smallest text the page itself asks its reader to read, outside figures
    let size = Infinity;
    for (const el of document.querySelectorAll(".bd-content *")) {
      if (el.closest("figure, svg") || !el.getClientRects().length) continue;
      const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
      if (own) size = Math.min(size, parseFloat(getComputedStyle(el).fontSize));
    }
    return size;
  };
  const out = [];
  for (const img of document.querySelectorAll("figure img")) {
    const src = img.getAttribute("src") || "";
    if (!src.endsWith(".svg")) { out.push({src, raster: true}); continue; }
    const holder = document.createElement("div");
    holder.style.cssText = "position:absolute;left:-10000px;top:0;";
    holder.innerHTML = await (await fetch(img.src)).text();
    const svg = holder.querySelector("svg");
    svg.setAttribute("width", img.getBoundingClientRect().width);
    svg.removeAttribute("height");
    document.body.append(holder);
    let smallest = Infinity, text = "";
    for (const t of svg.querySelectorAll("text")) {
      const m = t.getScreenCTM();
      const size = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (t.textContent.trim() && size < smallest) { smallest = size; text = t.textContent.trim(); }
    }
    holder.remove();
    out.push({src, smallest, text, width: img.getBoundingClientRect().width});
  }
  return {figures: out, smallPrint: smallPrint()};
}"""


def pages():
    """HTML paths of the book's pages: every _toc.yml entry, plus search and the general index."""
    return [f"{f}.html" for f in toc_files()] + ["search.html", "genindex.html"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def ids_of(html_dir, path, cache={}):  # noqa: B006 (a deliberate per-process memo)
    """The ids of an HTML page, to check links' anchors; None for a missing page or another kind of file
    (a download such as the PDF edition, whose existence is checked instead)."""
    if path not in cache:
        file = html_dir / path
        is_page = file.suffix == ".html" and file.is_file()
        cache[path] = set(re.findall(r'\bid="([^"]+)"', file.read_text(encoding="utf-8"))) if is_page else None
    return cache[path]


def check_page(page, base, html_dir, path, problems):
    """Visit one page; append problems; return a one-line summary."""
    console, failed = [], []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url) if urlparse(r.url).hostname == "127.0.0.1" else None)
    response = page.goto(urljoin(base, path), wait_until="networkidle")
    if response is None or response.status != 200:
        problems.append(f"{path}: HTTP {response.status if response else 'no response'}")
    images = page.eval_on_selector_all(
        "img",
        "els => els.map(e => ({src: e.getAttribute('src'), ok: e.complete && e.naturalWidth > 0, "
        "alt: e.getAttribute('alt'), figure: !!e.closest('figure')}))",
    )
    for img in images:
        if not img["ok"]:
            problems.append(f"{path}: image not decoded: {img['src']}")
        if img["figure"] and not (img["alt"] or "").strip():
            problems.append(f"{path}: figure image without alt text: {img['src']}")
    links = page.eval_on_selector_all(
        "a[href]", "els => els.map(e => ({href: e.href, cite: !!e.closest('.bibtex-citation')}))"
    )
    checked = 0
    for link in links:
        url, fragment = urldefrag(link["href"])
        parsed = urlparse(url)
        if parsed.hostname != "127.0.0.1":
            continue
        target = unquote(parsed.path).lstrip("/") or "index.html"
        if target.endswith("/"):
            target += "index.html"
        ids = ids_of(html_dir, target)
        checked += 1
        if ids is None:
            if not (html_dir / target).is_file():
                problems.append(f"{path}: broken link to {target}")
            continue
        if fragment and "=" not in fragment and fragment not in ids:  # "#event=…" is a view, not an anchor
            problems.append(f"{path}: link to missing anchor {target}#{fragment}")
        if link["cite"] and not target.endswith("bibliography.html"):
            problems.append(f"{path}: citation does not land on the bibliography: {link['href']}")
    for message in console:
        problems.append(f"{path}: console error: {message}")
    for url in failed:
        problems.append(f"{path}: failed request: {url}")
    return (
        f"{len(images)} images, {checked} internal links, {len(console)} console errors, {len(failed)} failed requests"
    )


def figure_text(page):
    """The page's figures (their smallest text, or that they are raster images) and its small print."""
    measured = page.evaluate(FIGURE_TEXT)
    return measured["figures"], measured["smallPrint"]


def small_figure_text(measured, small_print):
    """Figures whose smallest text renders below the book's small print (the smallest text any of its
    pages shows outside figures), or that are raster images; measured: (where, figures, small print)."""
    found = []
    for where, figures, _ in measured:
        for fig in figures:
            if fig.get("raster"):
                found.append(f"{where}: raster figure, text size not measurable: {fig['src']}")
            elif fig["smallest"] < small_print - SMALL_PRINT_TOLERANCE_PX:
                found.append(
                    f"{where}: figure text {fig['smallest']:.1f} px < the book's small print, {small_print:.1f} px "
                    f"({fig['text']!r}) at {fig['width']:.0f} px wide: {fig['src']}"
                )
    return found


def check_explorer(page, base, html_dir):
    """Filter and search the explorable timeline, open an event, follow a citation and come Back (the list
    must still match the filters), and open an event's permalink."""
    page.goto(urljoin(base, "chapters/explorer.html"), wait_until="networkidle")
    items = page.locator("#nk-explorer .nk-event")
    everything = items.count()
    page.select_option('select[data-filter="source"]', "backgrounder-2019")
    filtered = items.count()
    page.select_option('select[data-filter="category"]', "meet_visit")
    narrower = items.count()
    items.first.locator("summary").click()
    quotes = items.first.locator("q").count()
    problems = []
    if not (everything > filtered > narrower > 0 and quotes > 0):
        problems.append(f"explorer filters or details do not work ({everything}, {filtered}, {narrower}, {quotes})")
    # Back from an evidence entry: the list still matches the filters the address and the form show.
    page.select_option('select[data-filter="category"]', "")
    page.select_option('select[data-filter="source"]', "")
    page.select_option('select[data-filter="period"]', "alliance")
    in_period = items.count()
    items.first.locator("summary").click()
    items.first.locator(".nk-quotes a").first.click()
    page.wait_for_url("**/evidence.html#ev-*")
    page.go_back(wait_until="networkidle")
    after = items.count()
    chosen = page.eval_on_selector('select[data-filter="period"]', "s => s.value")
    if not (after == in_period and chosen == "alliance" and "period=alliance" in page.url):
        problems.append(f"explorer after Back: {after} events shown for {in_period} filtered, period {chosen!r}")
    page.fill('#nk-explorer input[name="q"]', "Vostotchny")
    found = items.count()
    if found < 1 or found >= everything:
        problems.append(f"explorer search for 'Vostotchny' shows {found} events")
    # A permalink opens its event, and only it.
    page.goto(urljoin(base, "chapters/explorer.html#event=vladivostok-summit-2019"), wait_until="networkidle")
    opened = page.locator("#event-vladivostok-summit-2019 details[open]").count()
    if items.count() != 1 or opened != 1:
        problems.append(f"explorer permalink shows {items.count()} events, {opened} open")
    # Every citation of every event lands on its own entry of the Evidence page.
    page.goto(urljoin(base, "chapters/explorer.html"), wait_until="networkidle")
    hrefs = page.eval_on_selector_all("#nk-explorer .nk-quotes a", "els => els.map(e => e.getAttribute('href'))")
    landed = 0
    for href in hrefs:
        target, fragment = urldefrag(urljoin("chapters/explorer.html", href))
        if target == "chapters/evidence.html" and fragment in (ids_of(html_dir, target) or ()):
            landed += 1
        else:
            problems.append(f"explorer citation does not land on an evidence entry: {href}")
    print(
        f"  explorer: {everything} events, {filtered} from one source, {narrower} visits among them, "
        f"{quotes} quote(s) in the first; {after} of {in_period} in a period after Back; {found} found by search; "
        f"{landed} of {len(hrefs)} citation links land on their evidence entry"
    )
    if not hrefs:
        problems.append("explorer shows no citation links")
    return problems


MARKS = """() => {
  const data = JSON.parse((document.getElementById('evidence-data') || {}).textContent || '{}');
  const marks = [...document.querySelectorAll('span.evidence a.reference')];
  const bad = marks.map(a => (a.getAttribute('href') || '').split('#ev-')[1])
                   .filter(id => !(data[id] && data[id].fr && data[id].en && data[id].doc && data[id].line));
  return {marks: marks.length, bad};
}"""


def check_marks(page, path):
    """Every evidence mark of the page resolves to an entry with its document, line, French and English."""
    found = page.evaluate(MARKS)
    return found["marks"], [f"{path}: evidence mark without its entry's texts: {i}" for i in found["bad"]]


def check_popover(page, base, viewport, shots):
    """An evidence mark's popover opens on keyboard focus (desktop) or a tap (phone), shows the French and
    our translation, and closes with Escape."""
    page.goto(urljoin(base, "chapters/korean_war.html"), wait_until="networkidle")
    mark = page.locator("span.evidence a.reference").first
    mark.scroll_into_view_if_needed()
    before = page.url
    if viewport == "phone":
        mark.tap()
    else:
        page.locator("main").first.focus() if page.locator("main").count() else None
        mark.focus()
    pop = page.locator(".ev-popover")
    problems = []
    try:
        pop.wait_for(state="visible", timeout=3000)
    except Exception:
        return [f"popover did not open by {'tap' if viewport == 'phone' else 'keyboard focus'} ({viewport})"]
    text = pop.inner_text()
    if "Our translation" not in text or "«" not in text or page.url != before:
        problems.append(f"popover ({viewport}) lacks its quote or translation, or the tap navigated: {text[:120]!r}")
    box = pop.bounding_box()
    width = page.viewport_size["width"]
    if box and (box["x"] < 0 or box["x"] + box["width"] > width + 1):
        problems.append(f"popover ({viewport}) leaves the viewport: x {box['x']:.0f}, width {box['width']:.0f}")
    if shots:
        page.screenshot(path=str(shots / f"popover-{viewport}.png"))
    page.keyboard.press("Escape")
    if pop.count():
        problems.append(f"popover ({viewport}) stays open after Escape")
    print(f"  popover ({viewport}): opened by {'tap' if viewport == 'phone' else 'focus'}, closed by Escape")
    return problems


def audit(page, axe, rules):
    """axe-core's `rules` on the page as it stands: a list of (rule, impact, target)."""
    result = axe.run(page, options={"runOnly": {"type": "rule", "values": rules}, "resultTypes": ["violations"]})
    return [
        (v["id"], v["impact"], " ".join(map(str, node["target"])))
        for v in result.response["violations"]
        for node in v["nodes"]
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--shots", type=Path, default=ROOT / "_build" / "screenshots")
    parser.add_argument("--no-shots", action="store_true", help="take no screenshot (the tests read none)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--viewport", choices=list(VIEWPORTS), action="append", help="check only this size (repeatable; default: all)"
    )
    parser.add_argument("--theme", choices=THEMES, action="append", help="check only this theme (repeatable)")
    args = parser.parse_args(argv)
    viewports = {name: VIEWPORTS[name] for name in args.viewport or VIEWPORTS}
    themes = [theme for theme in THEMES if theme in (args.theme or THEMES)]
    shots = None if args.no_shots else args.shots
    if not (args.html / "index.html").is_file():
        print(f"No book at {args.html}: run `make book` first.", file=sys.stderr)
        return 1
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    server = serve(args.html)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    problems, external, audits, measured = [], [], 0, []
    chapter_pages = {f"{Path(nb).with_suffix('')}.html" for nb in toc_chapters()}
    axe = Axe()

    def offline(route, request):
        if urlparse(request.url).hostname == "127.0.0.1" or request.url.startswith("data:"):
            return route.continue_()
        external.append(request.url)
        return route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for name, viewport in viewports.items():
            for theme in themes:
                # The theme's own switch stores the choice in localStorage; set it before any page script runs.
                context = browser.new_context(viewport=viewport, color_scheme=theme, has_touch=name == "phone")
                context.add_init_script(
                    f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}');"
                )
                context.route("**/*", offline)
                page = context.new_page()
                for path in pages():
                    if theme == "light":
                        summary = check_page(page, base, args.html, path, problems)
                        marks, unresolved = check_marks(page, path)
                        problems += unresolved
                        summary += f", {marks} evidence marks"
                    else:
                        page.goto(urljoin(base, path), wait_until="networkidle")
                        summary = ""
                    if page.evaluate("document.documentElement.dataset.theme") != theme:
                        problems.append(f"{path}: {theme} theme not applied")
                    if audits == 0:
                        # Every rule with these tags, the experimental ones too (a tag filter would skip them).
                        rules = page.evaluate(axe.axe_script + f"; axe.getRules({AXE_TAGS}).map(r => r.ruleId)")
                        version = page.evaluate("axe.version")
                        print(f"axe-core {version}, tags {', '.join(AXE_TAGS)}: {len(rules)} rules: {' '.join(rules)}")
                    violations = audit(page, axe, rules)
                    audits += 1
                    for rule, impact, target in violations:
                        problems.append(f"{path} ({theme}, {name}): axe {rule} ({impact}) at {target}")
                    if name == "phone":
                        measured.append((f"{path} ({theme}, {name})", *figure_text(page)))
                    small = []
                    wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                    if wide[0] > wide[1] + 1:
                        small.append(f"the page is {wide[0]} px wide in a {wide[1]} px viewport (it scrolls sideways)")
                    problems += [f"{path} ({theme}, {name}): {s}" for s in small]
                    if shots and (theme == "light" or path in chapter_pages):
                        suffix = name if theme == "light" else f"{name}-dark"
                        page.screenshot(path=str(shots / f"{path.replace('/', '_')[:-5]}-{suffix}.png"), full_page=True)
                    print(
                        f"  {name:<7} {theme:<5} {path:<32} axe: {len(violations)} violation(s)"
                        + (f"; {summary}" if summary else ""),
                        flush=True,
                    )
                if theme == "light":
                    problems += check_popover(page, base, name, shots)
                if name == "desktop" and theme == "dark":
                    problems += check_explorer(page, base, args.html)
                    # a place, and a word only an event carries (Sphinx's search skips numbers such as years)
                    for word, page_title in ((SEARCH_WORD, None), ("kimchi", "Explore the events")):
                        page.goto(urljoin(base, f"search.html?q={word}"), wait_until="networkidle")
                        page.wait_for_selector("#search-results ul.search li", timeout=15000)
                        found = page.locator("#search-results ul.search li")
                        hits = found.count()
                        print(f"  search  '{word}': {hits} result(s)")
                        if hits == 0 or (page_title and page_title not in " ".join(found.all_inner_texts())):
                            problems.append(f"search for {word!r} did not find {page_title or 'anything'}")
                context.close()
        browser.close()
    server.shutdown()
    if measured:
        small_print = min((s for _, _, s in measured if s is not None), default=0)
        problems += small_figure_text(measured, small_print)
        print(f"  book's small print at phone width: {small_print:.2f} px; figure text measured against it")
    for url in sorted(set(external)):
        problems.append(f"request to another host blocked: {url}")
    print(
        f"{len(pages())} pages x {len(viewports)} viewport(s) ({', '.join(viewports)}) x {len(themes)} theme(s) checked ({audits} axe audits, "
        f"{sum('axe ' in p for p in problems)} violation(s)) in {time.perf_counter() - start:.1f} s; "
        f"{len(set(external))} external request(s) blocked" + (f"; screenshots in {shots}" if shots else "")
    )
    for p in problems:
        print(f"PROBLEM {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
