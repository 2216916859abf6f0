"""Build the PDF edition of the book from the built HTML with Debian's chromium, offline — see nkrussia.build.pdf."""

import sys

from nkrussia.build.pdf import main

if __name__ == "__main__":
    sys.exit(main())
