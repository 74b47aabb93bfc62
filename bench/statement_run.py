"""One billing run in a process of its own, for `bench.figures_statements`:
``python -m bench.statement_run DB OUT_DIR FAMILIES FORMAT DAY`` bills the first FAMILIES
families (by guarantor id; 0 = every family) as if every one owed (the run's own selection
would leave out those owing nothing), and prints one JSON line: seconds, statements sent and
the process's peak memory (ru_maxrss, KB)."""
from __future__ import annotations

import json
import resource
import sys
import time
from array import array
from datetime import date
from pathlib import Path


def main(argv: list[str]) -> int:
    db_path, out_dir, families, fmt, day = argv[1], Path(argv[2]), int(argv[3]), argv[4], argv[5]
    from store.db import open_database
    from store.desks.billing import DbBillingDesk
    from store.read.statements import Selection

    db = open_database(db_path, create=False)
    gids = [g for (g,) in db.execute_sql(
        "SELECT id FROM patient WHERE guarantor_id IS NULL OR guarantor_id = id ORDER BY id")]
    sel = Selection(date.fromisoformat(day), 0, 0, array("q", gids[:families] if families else gids))
    started = time.perf_counter()
    cpu = time.process_time()
    totals = DbBillingDesk(db).run(sel, out_dir, fmt)
    print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                      "families": sel.count, "sent": totals.sent,
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
