"""``python -m analysis`` is the ``mada-analysis`` command."""

import sys

from .cli import main

sys.exit(main())
