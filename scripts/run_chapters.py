"""Execute the book's chapters with papermill, in parallel, into executed copies under _build/ — see nkbuild.runner."""

import sys

from nkbuild.runner import main

if __name__ == "__main__":
    sys.exit(main())
