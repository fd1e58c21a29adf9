"""Allow `python -m safeguarding_metrics`."""

from safeguarding_metrics.cli import main

raise SystemExit(main())
