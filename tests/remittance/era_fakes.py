"""An in-memory `EraDesk` for the ERA screen's tests: the office's ERA (`office_era`) mapped by
`era.grid` onto the demo office's claims as read from its practice file, no database and no
file reading (imported by name)."""
from __future__ import annotations

from datetime import date

from era.grid import map_remittance
from era.review import EraPreview, FinishRow, check_view
from estimator.posting_views import PostingRefused
from office_era import TRACES, office_checks, office_claim
from remit_helpers import demo_practice

CLAIMS = ("C0221", "C0223", "C0224", "C0225", "C0227", "C0228", "C0001")


def _labels() -> dict[int, str]:
    out = {}
    for proc in demo_practice()["procedures"]:
        tooth = f" #{proc['tooth']}" if proc.get("tooth") else ""
        out[int(proc["id"][1:])] = f"{proc['code']}{tooth}"
    return out


class FakeEraDesk:
    def __init__(self) -> None:
        self.posted: list[tuple[str, int, list]] = []
        self.finished: list[tuple[str, str]] = []
        self.handled: list[tuple[str, str]] = []
        self.rows = [FinishRow("4", "1", TRACES[0], "METLIFE", date(2026, 11, 30), "Z9999",
                               "KOWALSKI, ANNA", 5200, 0, 5200, "open", "none",
                               "no claim sent as Z9999 and none of KOWALSKI, ANNA on "
                               "2026-11-16 for 65.00", None)]

    def preview(self, path: str) -> EraPreview:
        if not path.endswith(".835"):
            raise PostingRefused(f"{path} does not begin with an ISA segment: not an X12 835 file")
        ours = [office_claim(c) for c in CLAIMS]
        labels = _labels()
        checks = []
        for seq, check in enumerate(office_checks(), 1):
            grid = map_remittance(check, ours)
            carrier = {"METLIFE": "MetLife", "CIGNA": "Cigna"}.get(check.payer.name,
                                                                   "Delta Dental")
            refusal = "ERA CIG88812 from Cigna was already posted on 2026-12-01 10:15 by maria " \
                "(from office.835)" if seq == 2 else None
            checks.append(check_view(grid, check, seq, carrier, refusal, labels))
        return EraPreview(path, path.rsplit("/", 1)[-1], tuple(checks))

    def guide_warnings(self, path: str):
        return (), True

    def post_check(self, path: str, check: int, picks) -> str:
        self.posted.append((path, check, list(picks)))
        return f"Posted check {check} to {len(picks)} claim(s)."

    def eras(self):
        return []

    def to_finish(self):
        return list(self.rows)

    def finish_by_hand(self, key: str, claim: str) -> str:
        if claim == "C9999":
            raise PostingRefused("there is no claim C9999")
        self.finished.append((key, claim))
        self.rows = [r for r in self.rows if r.key != key]
        return f"Posted ERA claim {key} to claim {claim}."

    def mark_handled(self, key: str, note: str) -> str:
        self.handled.append((key, note))
        self.rows = [r for r in self.rows if r.key != key]
        return f"ERA claim {key} marked handled."
