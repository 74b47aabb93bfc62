"""The estimate preview the visit's forms show before anything is saved: each plan's estimate
and write-off estimate now and after the change, and the patient's portion (the desk's numbers,
formatted here; no arithmetic)."""
from __future__ import annotations

from rich.text import Text

from estimator.money import fmt_grouped
from estimator.text import clean
from tui.forms.visit_port import EstimatePreview


def _pair(before: int, after: int, *, new: bool) -> str:
    if new or before == after:
        return fmt_grouped(after)
    return f"{fmt_grouped(before)} -> {fmt_grouped(after)}"


def preview_text(preview: EstimatePreview | None, *, new: bool = False,
                 problem: str = "") -> Text:
    """``new``: a procedure not posted yet (only the "after" numbers)."""
    out = Text("Estimate: ", style="bold")
    if preview is None:
        out.append(clean(problem) or "fill in the procedure to see its estimate", "italic")
        return out
    if not preview.lines:
        out.append("no plan covers this work")
    for line in preview.lines:
        out.append("\n  " + clean(line.label) + ": ")
        out.append(f"ins {_pair(line.before[0], line.after[0], new=new)}, write-off "
                   f"{_pair(line.before[1], line.after[1], new=new)}")
        if line.note:
            out.append(f"  ({clean(line.note)})", "italic")
    out.append("\n  Patient portion: ")
    out.append(_pair(preview.portion_before, preview.portion_after, new=new), "bold")
    if not new and preview.charge_before != preview.charge_after:
        out.append(f"   charge {_pair(preview.charge_before, preview.charge_after, new=False)}")
    return out
