"""Build the whole book: validate the data, execute the chapters, build and publish the HTML — see nkbuild.book."""

import sys

from nkbuild.book import main

if __name__ == "__main__":
    sys.exit(main())
