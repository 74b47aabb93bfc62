"""What the estimator produces: one claim procedure (line) per procedure and plan.

The store persists these in its claim-procedure table; the ledger arithmetic and
the screens read them. Money is integer cents.
"""
from __future__ import annotations

from dataclasses import dataclass

from .money import Cents

# Claim-procedure statuses (seed 001).
ESTIMATE = "estimate"            # not on a claim yet
NOT_RECEIVED = "not_received"    # on an unsent/hold/queued/sent claim
RECEIVED = "received"            # on a received claim (has actual amounts)
PREAUTH = "preauth"              # on a pre-authorization claim
CAP_ESTIMATE = "cap_estimate"    # capitation, procedure planned
CAP_COMPLETE = "cap_complete"    # capitation, procedure complete (write-off posted)
LINE_STATUSES = (ESTIMATE, NOT_RECEIVED, RECEIVED, PREAUTH, CAP_ESTIMATE, CAP_COMPLETE)


@dataclass(frozen=True)
class LineEstimate:
    """One claim procedure: a procedure's estimate (and actuals) for one plan."""
    procedure: str
    plan: str
    order: int                  # coverage order 1..4 for the procedure's patient
    status: str                 # LINE_STATUSES
    allowed: Cents = 0
    copay: Cents = 0
    percent: int = 0
    deductible: Cents = 0       # deductible applied in the estimate (dedN_est)
    base_est: Cents = 0         # (allowed - copay) x %, before deductible/maxima/COB
    ins_est: Cents = 0          # insN_est: the plan's estimated payment
    writeoff_est: Cents = 0     # writeoffN_est
    note: str = ""              # "Over annual max", "Exclusion", ...
    explanation: tuple[str, ...] = ()  # the steps, in front-desk words
    no_bill: bool = False
    claim: str | None = None    # claim id when on a claim
    # Actual amounts once received (sums over the original and supplemental payments).
    paid: Cents = 0
    writeoff: Cents = 0
    deductible_applied: Cents = 0

    @property
    def is_received(self) -> bool:
        return self.status == RECEIVED

    @property
    def is_capitation(self) -> bool:
        return self.status in (CAP_ESTIMATE, CAP_COMPLETE)


def changed(line: LineEstimate, **changes) -> LineEstimate:
    """``dataclasses.replace(line, **changes)`` without its per-call field checks (the replay
    of an import makes hundreds of thousands): ``changes`` must name fields of LineEstimate."""
    new = object.__new__(LineEstimate)
    new.__dict__.update(line.__dict__)
    new.__dict__.update(changes)
    return new
