"""Build the PDF edition of the book from the built HTML with Debian's chromium, offline — see nkbuild.pdf."""

import sys

from nkbuild.pdf import main

if __name__ == "__main__":
    sys.exit(main())
