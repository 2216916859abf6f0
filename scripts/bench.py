"""Benchmark the book on this machine and write benchmarks/bench.json — see nkbuild.bench."""

import sys

from nkbuild.bench import main

if __name__ == "__main__":
    sys.exit(main())
