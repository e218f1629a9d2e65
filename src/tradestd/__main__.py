"""``python -m tradestd``: the same command line as the ``tradestd`` script."""

import sys

from .cli.main import main

sys.exit(main())
