"""Benchmark the book on this machine and write benchmarks/bench.json — see nkrussia.build.bench."""

import sys

from nkrussia.build.bench import main

if __name__ == "__main__":
    sys.exit(main())
