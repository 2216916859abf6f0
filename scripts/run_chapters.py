"""Execute the book's chapters with papermill, in parallel, into executed copies under _build/ — see nkrussia.build.runner."""

import sys

from nkrussia.build.runner import main

if __name__ == "__main__":
    sys.exit(main())
