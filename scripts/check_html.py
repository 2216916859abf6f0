"""Check the built book in a real browser (Debian's chromium, driven by Playwright), offline — see nkbuild.check."""

import sys

from nkbuild.check import main

if __name__ == "__main__":
    sys.exit(main())
