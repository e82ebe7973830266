"""marketing."""
