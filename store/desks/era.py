"""The ERA screens' adapter over the database (the TUI's `EraDesk` port,
``tui/forms/era_port.py``): read an 835 file, match its payments, post one with the
office's picks, and the list of ERA claims left to finish.

The file's bytes are kept from the preview to the post, so what posts is what was
reviewed (and what is stored with the ERA). Checking a file against the X12 guide takes
seconds for a large one and touches no database: the screen runs `guide_warnings` in a
thread while the office reviews the matches.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, Sequence

from era.review import ClaimPick, EraPreview, EraSummary, FinishRow, check_view
from estimator.money import fmt
from estimator.posting_views import PostingRefused

from .. import services
from ..connection import Database, bind_list, in_list
from ..read import era_lists
from ..read.remittances import match_check
from ..services import remittances


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except (services.ServiceError, ValueError) as exc:  # an EraError is a ValueError
        raise PostingRefused(str(exc)) from None


class DbEraDesk:
    """Implements `tui.forms.era_port.EraDesk` over one open database."""

    def __init__(self, db: Database, *, actor: services.Actor | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        self.db = db
        self.actor = actor
        self.now = now
        self._files: dict[str, tuple[bytes, object]] = {}  # path -> (bytes, EraFile)

    def _who(self) -> dict:
        return {"actor": self.actor, "now": self.now() if self.now else None}

    # --- a file ----------------------------------------------------------------------

    def preview(self, path: str) -> EraPreview:
        from era import load_file, read_era

        with _refusals():
            data = load_file(path)
            era = read_era(data, name=Path(path).name, validate=False)
        self._files[path] = (data, era)
        checks = []
        for seq, remittance in enumerate(era.remittances, 1):
            match = match_check(self.db, remittance)
            checks.append(check_view(match.grid, remittance, seq,
                                     match.carrier.name if match.carrier else None,
                                     match.refusal, self._labels(match.grid)))
        return EraPreview(path, Path(path).name, tuple(checks),
                          tuple(str(w) for w in era.warnings), era.validated)

    def _labels(self, grid) -> dict[int, str]:
        """Procedure id -> "D2392 #30 MO" for the grid's lines, in one query."""
        ids = sorted({ln.procedure for m in (grid.claims if grid else ()) for ln in m.lines})
        if not ids:
            return {}
        rows = self.db.execute_sql(
            "SELECT p.id, c.code, coalesce(p.tooth, ''), coalesce(p.surface, '') FROM procedure p "
            f"JOIN procedure_code c ON c.id = p.code_id WHERE p.id {in_list('?1')}",
            (bind_list(ids),)).fetchall()
        return {i: " ".join(x for x in (code, f"#{tooth}" if tooth else "", surface) if x)
                for i, code, tooth, surface in rows}

    def guide_warnings(self, path: str) -> tuple[tuple[str, ...], bool]:
        from era import read_era

        data = self._files[path][0] if path in self._files else None
        with _refusals():
            era = read_era(data if data is not None else path, name=Path(path).name)
        return tuple(str(w) for w in era.warnings), era.validated

    def post_check(self, path: str, check: int, picks: Sequence[ClaimPick]) -> str:
        if path not in self._files:
            raise PostingRefused(f"{path} was not read: open it again")
        data, era = self._files[path]
        remittance = era.remittances[check - 1]
        choices = [remittances.ClaimChoice(p.seq, int(p.claim_key), tuple(
            services.EobLine(int(ln.claim_key), int(ln.procedure_key), ln.paid, ln.writeoff,
                             ln.deductible, ln.denied, ln.remarks) for ln in p.lines))
            for p in picks]
        with _refusals():
            done = remittances.post_era(self.db, remittances.EraSource(Path(path).name, data),
                                        remittance, seq=check, choices=choices, **self._who())
        left = sum(1 for s in done.states if s in remittances.OPEN_STATES)
        rest = f"; {left} claim(s), {fmt(done.left)}, to finish" if left else ""
        return (f"Posted ERA {remittance.trace_number}: {fmt(done.posted)} to "
                f"{len(picks)} claim(s){rest}.")

    # --- the imported ERAs -------------------------------------------------------------

    def eras(self) -> list[EraSummary]:
        return era_lists.eras(self.db)

    def to_finish(self) -> list[FinishRow]:
        return era_lists.to_finish(self.db)

    def finish_by_hand(self, key: str, claim: str) -> str:
        with _refusals():
            claim_id = services.resolve_claim(self.db, claim.strip())
            remittances.finish_era_claim(self.db, int(key), claim_id, **self._who())
        row = era_lists.era_claim(self.db, int(key))
        return (f"Posted ERA claim {row.claim_ref} to claim {row.claim_label}: "
                f"{fmt(row.posted)}.")

    def mark_handled(self, key: str, note: str) -> str:
        with _refusals():
            remittances.close_era_claim(self.db, int(key), note, **self._who())
        row = era_lists.era_claim(self.db, int(key))
        return f"ERA claim {row.claim_ref} marked handled."
