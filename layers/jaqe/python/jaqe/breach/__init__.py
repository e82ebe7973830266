"""breach."""
