"""``python -m harness.cli`` runs the ``phoenix`` command."""

import sys

from harness.cli import main

sys.exit(main())
