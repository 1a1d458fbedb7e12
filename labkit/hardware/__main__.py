"""``python -m labkit.hardware --output results.json``: run the benchmark sweep and write its results."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
