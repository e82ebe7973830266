"""Professionals: registration, profile and listing, leads received, delisting and archive, and
their documents (KBIS, insurance) checked on upload."""
