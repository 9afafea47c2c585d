"""tests/govsite."""
