"""govsite/compliance."""
