"""``python -m benchmarks``: run every benchmark script; see ``benchmarks/suite.py``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from suite import main

sys.exit(main())
