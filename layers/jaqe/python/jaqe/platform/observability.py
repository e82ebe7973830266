"""Logger, Tracer and Metrics shared by every function.

Log lines carry the request id and the subject key, never an email, a name, a phone
number or free text. The formatter below is a safety net that masks what slips through;
it is not a licence to log personal data.
"""

from __future__ import annotations

import re

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+|00)\d[\d .-]{7,}\d|\b0[1-9](?:[ .-]?\d{2}){4}\b")
METRICS_NAMESPACE = "JAQE"


class RedactingFormatter(LambdaPowertoolsFormatter):
    def serialize(self, log: dict) -> str:  # type: ignore[override]
        line = super().serialize(log)
        return _PHONE.sub("[redacted-phone]", _EMAIL.sub("[redacted-email]", line))


logger = Logger(logger_formatter=RedactingFormatter())
tracer = Tracer()
metrics = Metrics(namespace=METRICS_NAMESPACE)
