"""Build the whole book: validate the data, execute the chapters, build and publish the HTML — see nkrussia.build.book."""

import sys

from nkrussia.build.book import main

if __name__ == "__main__":
    sys.exit(main())
