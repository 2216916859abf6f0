"""Check the built book in a real browser (Debian's chromium, driven by Playwright), offline — see nkrussia.build.check."""

import sys

from nkrussia.build.check import main

if __name__ == "__main__":
    sys.exit(main())
