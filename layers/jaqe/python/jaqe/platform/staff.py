"""Staff roles and what each may call on the operators' API (`/v1/admin`), as data.

The one source of truth for three readers: the CDK staff roles (`infra/constructs/staff.py` grants
each role `execute-api:Invoke` on exactly its routes), the local gateway (`jaqe_dev/apigw.py`
checks `X-Local-Operator: name:role` against it) and the access trail hook (`jaqe.platform.api`:
which routes are trailed, which return personal data and therefore need a reason).

- `support`: lists, shows, qualifies and answers rights requests; reviews professionals and their
  documents.
- `dpo`: everything support does, and everything else under /v1/admin (extensions, holds, partner
  exports, privacy scans, incidents and the CNIL submission, post-mortem execution, the access trail).
- `ops`: the retention report (counts only) and running the scheduled jobs; no personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class StaffRole(StrEnum):
    SUPPORT = "support"
    DPO = "dpo"
    OPS = "ops"


# A bare operator name (`X-Local-Operator: alice`) keeps meaning what it always did: everything.
DEFAULT_ROLE = StaffRole.DPO


class Access(StrEnum):
    """What a route does with personal data, which decides whether the access trail records it."""

    LISTING = "listing"  # lists and counts for the daily work: not trailed
    ACTION = "action"  # changes something: trailed, with the reason when the body gives one
    PERSONAL_READ = "personal_read"  # returns personal data: trailed, a reason is required


@dataclass(frozen=True)
class StaffRoute:
    method: str
    path: str  # the API Gateway resource, `{param}` for path parameters
    roles: frozenset[StaffRole]
    access: Access

    @property
    def iam_resource_path(self) -> str:
        """The path as an `execute-api` resource ARN names it (`*` for each path parameter)."""
        return re.sub(r"\{[^}]+\}", "*", self.path)

    @property
    def needs_reason(self) -> bool:
        return self.access is Access.PERSONAL_READ

    @property
    def trailed(self) -> bool:
        return self.access is not Access.LISTING


_SUPPORT = frozenset({StaffRole.SUPPORT, StaffRole.DPO})
_DPO = frozenset({StaffRole.DPO})
_OPS = frozenset({StaffRole.OPS, StaffRole.DPO})
_RIGHTS = "/v1/admin/rights-requests"
_PROS = "/v1/admin/professionals"
_INCIDENTS = "/v1/admin/incidents"

ROUTES: tuple[StaffRoute, ...] = (
    # Rights requests: support answers them; extensions, restriction lifts and deaths are the DPO's.
    StaffRoute("GET", _RIGHTS, _SUPPORT, Access.LISTING),
    StaffRoute("POST", _RIGHTS, _SUPPORT, Access.ACTION),
    StaffRoute("GET", f"{_RIGHTS}/deadlines", _SUPPORT, Access.LISTING),
    StaffRoute("GET", f"{_RIGHTS}/{{request_id}}", _SUPPORT, Access.PERSONAL_READ),
    StaffRoute("POST", f"{_RIGHTS}/{{request_id}}/qualify", _SUPPORT, Access.ACTION),
    StaffRoute("POST", f"{_RIGHTS}/{{request_id}}/close", _SUPPORT, Access.ACTION),
    StaffRoute("POST", f"{_RIGHTS}/{{request_id}}/decision", _SUPPORT, Access.ACTION),
    StaffRoute("POST", f"{_RIGHTS}/{{request_id}}/resume", _SUPPORT, Access.ACTION),
    StaffRoute("POST", f"{_RIGHTS}/{{request_id}}/extension", _DPO, Access.ACTION),
    StaffRoute("POST", f"{_RIGHTS}/{{request_id}}/lift-restriction", _DPO, Access.ACTION),
    StaffRoute("POST", f"{_RIGHTS}/post-mortem-executions", _DPO, Access.ACTION),
    StaffRoute("POST", "/v1/admin/privacy-scans", _DPO, Access.PERSONAL_READ),
    StaffRoute("GET", "/v1/admin/holds", _DPO, Access.LISTING),
    StaffRoute("POST", "/v1/admin/holds", _DPO, Access.ACTION),
    StaffRoute("POST", "/v1/admin/holds/{hold_id}/lift", _DPO, Access.ACTION),
    # Professionals: support reviews registrations and documents.
    StaffRoute("GET", _PROS, _SUPPORT, Access.LISTING),
    StaffRoute("POST", f"{_PROS}/{{id}}/approve", _SUPPORT, Access.ACTION),
    StaffRoute("POST", f"{_PROS}/{{id}}/reject", _SUPPORT, Access.ACTION),
    StaffRoute("GET", f"{_PROS}/documents", _SUPPORT, Access.LISTING),
    StaffRoute("GET", f"{_PROS}/{{id}}/documents/{{document_id}}", _SUPPORT, Access.PERSONAL_READ),
    StaffRoute("POST", f"{_PROS}/{{id}}/documents/{{document_id}}/decision", _SUPPORT, Access.ACTION),
    # Commercial partners: the directory and the exports of consenting people.
    StaffRoute("POST", "/v1/admin/commercial-partners/exports", _DPO, Access.PERSONAL_READ),
    StaffRoute("GET", "/v1/admin/commercial-partners/exports/{export_id}", _DPO, Access.PERSONAL_READ),
    StaffRoute("POST", "/v1/admin/commercial-partners", _DPO, Access.ACTION),
    StaffRoute("GET", "/v1/admin/commercial-partners", _DPO, Access.LISTING),
    StaffRoute("GET", "/v1/admin/commercial-partners/tasks", _DPO, Access.LISTING),
    # Breaches: declaring, deciding, notifying the CNIL.
    StaffRoute("POST", _INCIDENTS, _DPO, Access.ACTION),
    StaffRoute("GET", _INCIDENTS, _DPO, Access.LISTING),
    StaffRoute("GET", f"{_INCIDENTS}/{{incident_id}}", _DPO, Access.LISTING),
    StaffRoute("POST", f"{_INCIDENTS}/{{incident_id}}/decision", _DPO, Access.ACTION),
    StaffRoute("GET", f"{_INCIDENTS}/{{incident_id}}/cnil-notification", _DPO, Access.LISTING),
    StaffRoute("POST", f"{_INCIDENTS}/{{incident_id}}/cnil-notification", _DPO, Access.ACTION),
    # Retention: counts by purpose and day, no personal data.
    StaffRoute("GET", "/v1/admin/retention-report", _OPS, Access.LISTING),
    # The DPO's monthly report: counts, reasons and incident facts, no person's data.
    StaffRoute("GET", "/v1/admin/reports/monthly", _DPO, Access.LISTING),
    # The access trail itself: who read whose data (its reads are trailed too).
    StaffRoute("POST", "/v1/admin/access-trail/search", _DPO, Access.PERSONAL_READ),
)

_BY_KEY = {(r.method, r.path): r for r in ROUTES}

# The functions `ops` may run by hand: the scheduled jobs that read or purge by themselves and
# answer counts (the breach workflow's hourly check is not one: its function also sends notices).
OPS_SCHEDULED_FUNCTIONS = ("reconciliation", "rights_deadlines", "insurance_watch")


def staff_route(method: str, path: str) -> StaffRoute | None:
    """The route of this method and API Gateway resource (`{param}` form), if it is an operators' one."""
    return _BY_KEY.get((method.upper(), path))


def routes_of(role: StaffRole) -> list[StaffRoute]:
    return [r for r in ROUTES if role in r.roles]


def may_call(role: StaffRole, method: str, path: str) -> bool:
    route = staff_route(method, path)
    return route is not None and role in route.roles


def parse_operator(header: str) -> tuple[str, StaffRole | None]:
    """`alice:support` -> ("alice", support); `alice` -> ("alice", dpo); an unknown role -> None."""
    name, _, role = header.strip().partition(":")
    if not role:
        return name.strip(), DEFAULT_ROLE
    try:
        return name.strip(), StaffRole(role.strip().lower())
    except ValueError:
        return name.strip(), None


@dataclass(frozen=True)
class AccessEvent:
    """One operator's call the access trail keeps (`jaqe.privacy.access_trail` stores it)."""

    operator_arn: str
    method: str
    route: str
    ids: dict[str, str]
    status: int
    subject_key: str | None = None
    reason: str | None = None

    @property
    def operator(self) -> str:
        """The operator's name: the IAM identity's last part (user name, or role session name)."""
        return self.operator_arn.rsplit("/", 1)[-1]
