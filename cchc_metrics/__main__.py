"""`python -m cchc_metrics …` — the command line."""

import sys

from cchc_metrics.cli import main

sys.exit(main())
