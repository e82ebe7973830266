"""Operator tools: `jaqe-ops` (rights requests) against the local stack or a deployed API."""
