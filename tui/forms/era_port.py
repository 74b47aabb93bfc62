"""What the ERA screens need from the rest of DentLedger: the `EraDesk` port.

Implemented over the database by ``store.desks.era.DbEraDesk`` (reading the file with
`era`, matching with `store.read.remittances`, posting with
`store.services.remittances`) and in memory by the tests. The data both ways are
`era.review`'s plain records; a refusal is `PostingRefused` with one sentence.
"""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

from era.review import ClaimPick, EraPreview, EraSummary, FinishRow
from estimator.posting_views import PostingRefused

__all__ = ["ClaimPick", "EraDesk", "EraPreview", "EraSummary", "FinishRow", "PostingRefused"]


@runtime_checkable
class EraDesk(Protocol):
    def preview(self, path: str) -> EraPreview:
        """Read the file (without the X12 guide: quick) and match each payment; refuses a
        file that is not an 835 (`PostingRefused`)."""
        ...

    def guide_warnings(self, path: str) -> tuple[tuple[str, ...], bool]:
        """(warnings, validated): the file checked against the X12 guide. Slow (seconds for
        a large file) and touches no database: the screen runs it in a thread."""
        ...

    def post_check(self, path: str, check: int, picks: Sequence[ClaimPick]) -> str:
        """Post payment ``check`` (1-based) of the previewed file with the claims picked
        (the rest stays on the list to finish); returns what was done, in one sentence."""
        ...

    def eras(self) -> Sequence[EraSummary]:
        """Imported ERA payments, newest first."""
        ...

    def to_finish(self) -> Sequence[FinishRow]:
        """ERA claims left open or posted in part."""
        ...

    def finish_by_hand(self, key: str, claim: str) -> str:
        """Post ERA claim ``key`` to our claim ``claim`` (claim number, practice id or id)."""
        ...

    def mark_handled(self, key: str, note: str) -> str:
        """Take ERA claim ``key`` off the list: handled another way, as ``note`` says."""
        ...
