"""Rights requests (policy section 7, GDPR Art. 12-22): one workflow for the eight rights.

- `model`: what a person may ask (the request types and their own fields);
- `records`: the request record (subject key only), its history, deadlines and tokens;
- `actions`: what each right does to every store, driven by the processing register;
- `exports`: access / portability exports in the encrypted exports bucket;
- `deadlines`: due dates, extensions and the due-soon / overdue list.
"""
