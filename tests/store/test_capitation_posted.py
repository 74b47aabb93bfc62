"""Rule 11 in the database: a completed capitation line's write-off is posted, stored as the
claim procedure's actual write-off (writeoffN), shown in the line detail and in the balance."""
from __future__ import annotations

from datetime import date

from estimator import model as m
from store.derived import estimates
from store.desks.frontdesk import DbFrontDesk
from store.files.importer import import_practice

D = date(2026, 3, 2)


def _practice() -> m.Practice:
    return m.Practice(
        as_of=D, providers=(m.Provider("DOC", "Doc"),),
        procedure_codes=(m.ProcedureCode("D2392", "restorative", "Composite"),),
        fee_schedules=(m.FeeSchedule("COPAY", "copay", fees=m.frozen_map({"D2392": 7500})),),
        carriers=(m.Carrier("HMO", "DentiCare"),),
        plans=(m.Plan("P1", "HMO", "ROSS", "capitation", copay_schedule="COPAY"),),
        patients=(m.Patient("ROSS", "Ross, Kevin", date(1991, 12, 1), "ROSS", (m.Coverage("P1", 1),)),),
        procedures=(m.Procedure("X1", "ROSS", "D2392", D, 20000, "DOC", "complete",
                                overrides=(m.Override("P1", writeoff_est=20000),)),
                    m.Procedure("X2", "ROSS", "D2392", D, 20000, "DOC", "planned")))


def test_rule_11_posted_capitation_writeoff_is_stored_and_shown(db):
    import_practice(db, _practice())
    estimates.reestimate_all(db)
    lines = estimates.load_estimates(db)
    assert (lines[("X1", "P1")].writeoff, lines[("X1", "P1")].writeoff_est) == (12500, 12500)
    assert lines[("X2", "P1")].writeoff == 0      # planned: an estimate only
    desk = DbFrontDesk(db)
    fields = dict(desk.line_detail("ROSS", "procedure:X1").sections[-1].fields)
    assert fields["Write-off"] == "125.00"
    balance = desk.account("ROSS").summary.balance
    assert (balance.total, balance.insurance, balance.patient) == (7500, 0, 7500)
