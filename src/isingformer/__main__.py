"""``python -m isingformer`` runs the command line."""

import sys

from isingformer.cli import main

sys.exit(main())
