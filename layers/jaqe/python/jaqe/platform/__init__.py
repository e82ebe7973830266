"""What every capability stands on: the AWS adapters (the one DynamoDB store, the one S3 adapter,
Step Functions, the mail outbox), the API helpers, observability, clock, ids, errors, tokens,
validation and the reference data (trades, departements). No capability is imported from here."""
