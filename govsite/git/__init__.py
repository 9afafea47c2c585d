"""govsite/git."""
