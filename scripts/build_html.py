"""Build the HTML book from the executed chapters (jupyter-book, execution off) and publish it atomically — see nkrussia.build.html."""

import sys

from nkrussia.build.html import main

if __name__ == "__main__":
    sys.exit(main())
