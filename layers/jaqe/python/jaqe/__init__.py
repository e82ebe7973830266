"""JAQE domain package, shipped to every function as a Lambda layer: one package per capability.

`platform` (DynamoDB, S3, Step Functions, mail, API, observability), `privacy` (the processing
register, retention, consent, subject keys and flags), `inbound`, `leads`, `professionals`,
`rights`, `breach` and `marketing`. See docs/architecture.md for the floor plan.
"""
