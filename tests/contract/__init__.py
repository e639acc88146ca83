"""Contract tests: the specs themselves and frames against them."""
