"""An ERA file for the demo office, written by `era.build` from its sent claims (imported by
name): three payments, one per carrier, holding every case the import must post.

- MetLife ``MET20261130``: one check for three claims of three Thompsons (C0225, C0227,
  C0228; CO-45, PR-1 and PR-2), a claim that matches nothing (Z9999, Kowalski), and a PLB
  interest line (L6, 2.50 added to the check).
- Cigna ``CIG88812``: C0221's D2393 downgraded to D2160 with CO-45 and PR-2 (its secondary,
  C0222 at Aetna, waits on hold for it).
- Delta ``DEL5550001``: C0223 paid, C0224 denied (CLP02 4, CO-50), and C0001 (received in
  2019) reversed (CLP02 22) and paid again 12.00 less on its D0210.

`KEYED` is the same money as `dentledger claim pay` commands, for the comparison.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from era.build import build_835
from era.model import Party, ProviderAdjustment
from remit_helpers import adj, clp, demo_claim, demo_practice, era_patient, payment, svc

PAID_ON = date(2026, 11, 30)
TRACES = ("MET20261130", "CIG88812", "DEL5550001")


def office_claim(file_id: str):
    """A demo claim as sent: its claim number is the id the payer echoes in CLP01."""
    sent = next(c for c in demo_practice()["claims"] if c["id"] == file_id)
    return replace(demo_claim(file_id), sent_id=sent.get("claim_no") or file_id)


def _paid(ours, *lines, **more):
    return clp(ours.sent_id, lines, patient=era_patient(ours), **more)


def _line(line, paid, *adjustments, **more):
    return svc(line.code, line.fee, paid, *adjustments, day=line.date, **more)


def metlife_check(*, trace: str = TRACES[0], stranger: bool = True):
    c225, c227, c228 = (office_claim(c) for c in ("C0225", "C0227", "C0228"))
    ortho, = c225.lines
    exam, perio = c227.lines
    exam2, prophy, fluoride = c228.lines
    claims = [
        _paid(c225, _line(ortho, 8750, adj("PR-2", 8750))),
        _paid(c227, _line(exam, 4800, adj("CO-45", 1700)),
              _line(perio, 5120, adj("CO-45", 3700), adj("PR-1", 5000), adj("PR-2", 2680))),
        _paid(c228, _line(exam2, 4800, adj("CO-45", 1700)), _line(prophy, 5600, adj("CO-45", 2400)),
              _line(fluoride, 3000, adj("CO-45", 1500))),
    ]
    if stranger:
        claims.append(clp("Z9999", [svc("D0120", 6500, 5200, adj("CO-45", 1300), day=exam.date)],
                          patient=("KOWALSKI", "ANNA", "MET000")))
    plb = [ProviderAdjustment("L6", -250, "INT", "1234567893", date(2026, 12, 31))]
    return replace(payment(claims, plb=plb, trace=trace, payer="METLIFE", method="ACH"),
                   payer=Party("METLIFE", "2U", "65978"), date=PAID_ON)


def cigna_check():
    c221 = office_claim("C0221")
    onlay, = c221.lines
    line = svc("D2160", onlay.fee, 7000, adj("CO-45", 8000), adj("PR-2", 9000), day=onlay.date,
               billed_code="D2393")
    return replace(payment([_paid(c221, line)], trace=TRACES[1], payer="CIGNA", control="0002"),
                   payer=Party("CIGNA", "2U", "62308"), date=PAID_ON)


def delta_check():
    c223, c224, c001 = (office_claim(c) for c in ("C0223", "C0224", "C0001"))
    exam, prophy = c223.lines
    perio, = c224.lines
    was = [_line(ln, paid, adj("CO-45", wo)) for ln, paid, wo in
           zip(c001.lines, (7800, 7900, 10700), (3700, 3600, 5800))]
    reversed_lines = [replace(ln, billed=-ln.billed, paid=-ln.paid, adjustments=tuple(
        replace(a, amount=-a.amount) for a in ln.adjustments)) for ln in was]
    now = [was[0], was[1], _line(c001.lines[2], 9500, adj("CO-45", 5800), adj("PR-2", 1200))]
    claims = [
        _paid(c223, _line(exam, 4400, adj("CO-45", 2100)), _line(prophy, 7900, adj("CO-45", 3600))),
        _paid(c224, _line(perio, 0, adj("CO-50", perio.fee)), status="4"),
        _paid(c001, *reversed_lines, status="22"),
        _paid(c001, *now),
    ]
    return replace(payment(claims, trace=TRACES[2], payer="DELTA DENTAL", control="0003"),
                   payer=Party("DELTA DENTAL", "2U", "94276"), date=PAID_ON)


def office_checks():
    return [metlife_check(), cigna_check(), delta_check()]


def office_file(tmp_path, checks=None, name: str = "office.835"):
    path = tmp_path / name
    path.write_text(build_835(checks or office_checks()), encoding="ascii")
    return path


# The same payments keyed by hand, one `claim pay` per claim (what the ERA must equal).
KEYED = [
    ("C0225", TRACES[0], ["X0708:87.50:0:0"], []),
    ("C0227", TRACES[0], ["X0711:48.00:17.00:0", "X0712:51.20:37.00:50.00"], []),
    ("C0228", TRACES[0], ["X0713:48.00:17.00:0", "X0714:56.00:24.00:0", "X0715:30.00:15.00:0"], []),
    ("C0221", TRACES[1], ["X0704:70.00:80.00:0"], []),
    ("C0223", TRACES[2], ["X0705:44.00:21.00:0", "X0706:79.00:36.00:0"], []),
    ("C0224", TRACES[2], [], ["X0707"]),
    ("C0001", TRACES[2], ["X0001:0:0:0", "X0002:0:0:0", "X0003:-12.00:0:0"], []),
]
