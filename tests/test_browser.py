"""The built book in a real browser (Debian's chromium through Playwright), offline."""

import os
import shutil
import sys

import pytest
from conftest import run

from nkrussia import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (apt-get install chromium); CI installs it",
)
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])  # four tests, so that pytest-xdist spreads them
def test_every_page_works_in_the_browser_offline(built, viewport, theme):
    _, html, _ = built
    result = run(
        [
            sys.executable,
            str(ROOT / "scripts" / "check_html.py"),
            "--html",
            str(html),
            "--no-shots",  # no assertion reads a screenshot
            "--chromium",
            CHROMIUM,
            "--viewport",
            viewport,
            "--theme",
            theme,
        ]
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    assert "0 external request(s) blocked" in result.stdout
    if (viewport, theme) == ("desktop", "dark"):
        assert "search  'Vladivostok':" in result.stdout and "explorer:" in result.stdout
    assert "axe-core 4." in result.stdout and "0 violation(s))" in result.stdout


def test_a_link_to_a_download_is_checked_for_existence_not_read_as_a_page(tmp_path):
    """The introduction links the PDF edition: the link check must not read it as HTML."""
    from nkbuild.check import ids_of

    (tmp_path / "book.pdf").write_bytes(b"%PDF-1.7\n\xe2\x28\xa1 binary")
    (tmp_path / "page.html").write_text('<p id="here">text</p>', encoding="utf-8")
    assert ids_of(tmp_path, "book.pdf", {}) is None and (tmp_path / "book.pdf").is_file()
    assert ids_of(tmp_path, "page.html", {}) == {"here"}
