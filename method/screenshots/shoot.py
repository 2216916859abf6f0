"""Screenshots a reader's note needs: the alliance timeline (desktop, phone, dark) and the explorer after
following an evidence link and pressing Back. Serves a built book and drives Debian's chromium.

    python method/screenshots/shoot.py HTML_DIR OUT_DIR PREFIX
"""

import sys
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import sync_playwright

from nkbuild.check import CHROMIUM_ARGS, serve

html, out, prefix = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
out.mkdir(parents=True, exist_ok=True)
server = serve(html)
base = f"http://127.0.0.1:{server.server_address[1]}/"
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    for name, width, theme in [("desktop", 1280, "light"), ("phone", 390, "light"), ("desktop-dark", 1280, "dark")]:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.add_init_script(f"localStorage.setItem('theme', '{theme}'); localStorage.setItem('mode', '{theme}');")
        page.goto(urljoin(base, "chapters/alliance.html"), wait_until="networkidle")
        # an element screenshot taller than the window catches the off-screen skip link: hide it
        page.add_style_tag(content=".skip-link { display: none !important; }")
        figure = page.locator("figure").first
        figure.scroll_into_view_if_needed()
        figure.screenshot(path=str(out / f"{prefix}-alliance-timeline-{name}.png"))
        page.close()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(urljoin(base, "chapters/explorer.html"), wait_until="networkidle")
    period = page.locator("#nk-explorer select").first  # the period filter, in both versions of the explorer
    period.select_option(index=6)  # the last period: the wartime alliance
    items = page.locator("#nk-explorer .nk-event")
    shown = items.count()
    items.first.locator("summary").click()
    items.first.locator("a[href*='evidence.html#']").first.click()
    page.wait_for_url("**/evidence.html#*")
    page.go_back(wait_until="networkidle")
    page.wait_for_timeout(500)
    page.locator("#nk-explorer").scroll_into_view_if_needed()
    page.screenshot(path=str(out / f"{prefix}-explorer-after-back.png"))
    print(
        f"{prefix}: explorer showed {shown} events for the alliance period; after Back {items.count()} events, "
        f"period filter {period.input_value()!r}, address {page.url}"
    )
    browser.close()
server.shutdown()
