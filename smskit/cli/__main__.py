"""``python -m smskit.cli ...``: the same as the ``smskit`` command."""

import sys

from smskit.cli.main import main

sys.exit(main())
