"""Rights requests (policy section 7, GDPR Art. 12-22): one workflow for the eight rights.

- `model`: what a person may ask (the request types and their own fields);
- `records`: the request record (subject key only), its history, deadlines and tokens;
- `intake`: receiving a request and serving its export;
- `operations`: the operators' use cases (listing, extensions, reviews, post-mortem directives);
- `workflow`: the steps of the rights state machine, dispatched by step name.
"""
