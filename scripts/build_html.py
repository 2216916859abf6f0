"""Build the HTML book from the executed chapters (jupyter-book, execution off) and publish it atomically — see nkbuild.html."""

import sys

from nkbuild.html import main

if __name__ == "__main__":
    sys.exit(main())
