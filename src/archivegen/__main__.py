"""`python -m archivegen`."""

import sys

from archivegen.cli import main

sys.exit(main())
