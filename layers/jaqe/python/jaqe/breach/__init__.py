"""Personal-data breaches (GDPR Art. 33-34): the operators' use cases and the breach workflow."""
