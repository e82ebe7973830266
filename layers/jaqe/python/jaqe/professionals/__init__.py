"""professionals."""
