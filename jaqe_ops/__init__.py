"""Operator tools: `jaqe-ops` (click) against the local stack or a deployed API: `cli` (the entry
point), `transport`, `output`, `context`, and one module per command group."""
