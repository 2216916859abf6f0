"""Run chapters as a reader does: in JupyterLab (the lab environment, `make lab`), in Debian's chromium.

    python -m nkbuild.lab [--lab-python PATH] [--shots DIR] CHAPTER ...

Each chapter (its MyST Markdown, opened as a notebook by jupytext, as `make lab` does) is copied into a
scratch folder that mirrors the project (`chapters/` beside a link to `data/`, so its relative paths hold), JupyterLab is started on a free loopback port
with no token, and for each chapter the browser opens the notebook, runs all cells and waits until every
cell has run. It then reads what the reader sees: error outputs, figures (images or SVG) per output,
and the text of every output and rendered Markdown cell. Screenshots of each figure and of the top of
the notebook go to --shots. The server and the browser are stopped however the run ends.
"""

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from nkrussia import ROOT

LAB_PYTHON = ROOT / ".venv-lab" / "bin" / "python"
RAW_MARKS = ("{glue", ":name:", "```{")  # MyST that a reader should never see as text
# A chapter's .md opens as a notebook through the lab environment's overrides.json (written by `make lab`).
# Every cell and output stays in the page (JupyterLab otherwise leaves the cells out of view unrendered).
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},  # no pop-up
}

READ = """() => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  return cells.map((cell, i) => {
    const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')];
    return {
      index: i,
      kind: cell.classList.contains('jp-CodeCell') ? 'code' : 'markdown',
      prompt: (cell.querySelector('.jp-InputPrompt') || {}).textContent || '',
      errors: outputs.filter(o => o.dataset.mimeType === 'application/vnd.jupyter.stderr'
                                 && o.closest('.jp-OutputArea-child').querySelector('.jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]')).length
              + cell.querySelectorAll('[data-mime-type="application/vnd.jupyter.error"]').length,
      images: outputs.reduce((n, o) => n + o.querySelectorAll('img, svg').length, 0),
      figures: cell.querySelectorAll('.jp-OutputArea-output figure').length,
      tables: cell.querySelectorAll('.jp-OutputArea-output table').length,
      text: cell.classList.contains('jp-MarkdownCell')
        ? (cell.querySelector('.jp-RenderedMarkdown, .jp-RenderedMySTMarkdown, .myst') || {}).textContent || ''
        : outputs.map(o => o.textContent).join('\\n'),
    };
  });
}"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scratch(chapters, folder):
    """Copies of the chapters (MyST Markdown, as committed) in folder/chapters, beside a link to the
    project's data: a save in JupyterLab cannot touch the committed files."""
    (folder / "chapters").mkdir(parents=True)
    (folder / "data").symlink_to(ROOT / "data")
    for name in chapters:
        shutil.copy2(ROOT / "chapters" / f"{name}.md", folder / "chapters" / f"{name}.md")


@contextlib.contextmanager
def jupyterlab(root_dir, lab_python):
    """A JupyterLab server on a free loopback port, in its own process group, stopped on exit."""
    port = free_port()
    settings = root_dir / ".lab-settings"
    for name, values in SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(root_dir / ".jupyter"),
        "JUPYTER_RUNTIME_DIR": str(root_dir / ".runtime"),
    }
    log = open(root_dir / "lab.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [
            str(lab_python),
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            "--allow-root",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={root_dir}",
            f"--LabApp.user_settings_dir={settings}",
            "--ServerApp.disable_check_xsrf=True",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(600):
            if server.poll() is not None:
                raise RuntimeError("JupyterLab exited at start:\n" + (root_dir / "lab.log").read_text()[-3000:])
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{url}/api/status", timeout=1)
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("JupyterLab did not answer within 60 s")
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)  # the server and the kernels it started
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def kernel_idle(url, path):
    """Whether the server has a session for the notebook at path whose kernel is idle (REST API)."""
    with contextlib.suppress(OSError, ValueError):
        sessions = json.load(urllib.request.urlopen(f"{url}/api/sessions", timeout=5))
        return any(s["path"].endswith(path) and s["kernel"]["execution_state"] == "idle" for s in sessions)
    return False


def until(condition, seconds):
    """Whether condition() became true within seconds (polled every half second)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def stuck(page, shots, name, why):
    """A TimeoutError that says what the page showed (any dialog), with a screenshot when shots is set."""
    dialog = page.evaluate("() => (document.querySelector('.jp-Dialog') || {}).textContent || ''")
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"lab-{name}-stuck.png"))
    return TimeoutError(f"{name}: {why}" + (f"; a dialog shows: {dialog[:300]!r}" if dialog else ""))


def run_all(page, url, name, shots, timeout=240):
    """Open chapters/NAME.md as a notebook, run all cells, wait for every code cell to have run; return what shows."""
    # a workspace of its own, reset: this notebook is the only one open
    page.goto(f"{url}/lab/workspaces/{name}/tree/chapters/{name}.md?reset", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    # On a loaded machine the kernel can take long to start, and Run All sent before the notebook has its
    # kernel is lost (seen in CI: every prompt still empty after 180 s): wait for the server to report it idle.
    if not until(lambda: kernel_idle(url, f"chapters/{name}.md"), 120):
        raise stuck(page, shots, name, "the notebook's kernel was not idle within 120 s")

    def prompts():
        return [c["prompt"].strip() for c in page.evaluate(READ) if c["kind"] == "code"]

    for _ in range(3):  # a Run All that queued nothing did not reach the notebook: send it again
        page.locator(".jp-Notebook").first.click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        if until(lambda: any(p not in ("[ ]:", "") for p in prompts()), 20):
            break
    else:
        raise stuck(page, shots, name, "Run All Cells started no cell, three times")
    if not until(lambda: (ps := prompts()) and all(p not in ("[ ]:", "[*]:", "") for p in ps), timeout):
        raise stuck(page, shots, name, f"cells still running after {timeout} s: {prompts()}")
    time.sleep(1.0)  # outputs of the last cell settle
    cells = page.evaluate(READ)
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"lab-{name}-top.png"))
        figures = page.locator(".jp-OutputArea-output figure")
        for i in range(figures.count()):
            figures.nth(i).scroll_into_view_if_needed()
            page.screenshot(path=str(shots / f"lab-{name}-figure-{i + 1}.png"))
        tables = page.locator(".jp-OutputArea-output table")
        if tables.count():
            tables.first.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / f"lab-{name}-table.png"))
    return cells


def check(chapters, lab_python=LAB_PYTHON, shots=None, chromium=None):
    """{chapter: cells as the reader sees them} after Run All in JupyterLab."""
    from playwright.sync_api import sync_playwright

    from nkbuild.check import CHROMIUM_ARGS

    chromium = chromium or shutil.which("chromium") or "/usr/bin/chromium"
    seen = {}
    with tempfile.TemporaryDirectory(prefix="nk-lab-") as tmp:
        folder = Path(tmp)
        scratch(chapters, folder)
        with jupyterlab(folder, lab_python) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                for name in chapters:
                    page = browser.new_page(viewport={"width": 1280, "height": 1000})
                    seen[name] = run_all(page, url, name, shots)
                    page.close()
            finally:
                browser.close()
    return seen


def problems(name, cells):
    """What a reader should not see: errors, raw MyST; and the count of figures shown."""
    out = []
    for c in cells:
        if c["errors"]:
            out.append(f"{name}: cell {c['index']} shows an error")
        for mark in RAW_MARKS:
            if mark in c["text"]:
                at = c["text"].index(mark)
                out.append(
                    f"{name}: cell {c['index']} ({c['kind']}) shows {mark!r}: …{c['text'][max(0, at - 60) : at + 60]}…"
                )
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("chapters", nargs="+", help="chapter names, e.g. korean_war synthesis")
    parser.add_argument("--lab-python", default=str(LAB_PYTHON))
    parser.add_argument("--shots", type=Path, default=ROOT / "_build" / "screenshots")
    args = parser.parse_args(argv)
    seen = check(args.chapters, args.lab_python, args.shots)
    found = []
    for name, cells in seen.items():
        figures = sum(c["figures"] for c in cells)
        print(f"{name}: {len(cells)} cells, {figures} figures, {sum(c['tables'] for c in cells)} tables shown")
        found += problems(name, cells)
    print("\n".join(found) or "no error, no raw MyST")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
