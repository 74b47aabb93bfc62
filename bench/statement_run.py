"""One billing run in a process of its own, for `bench.figures_statements`:
``python -m bench.statement_run DB OUT_DIR FAMILIES FORMAT DAY`` bills FAMILIES families (by
guarantor id: N the first N, -N the last N, 0 every family) as if every one owed (the run's own
selection would leave out those owing nothing), and prints one JSON line: seconds (wall and
CPU), statements sent, the process's peak memory (ru_maxrss, KB), its resident memory after
each eighth of the run (MB) and the machine's load average at the end."""
from __future__ import annotations

import json
import os
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
    chosen = gids[:families] if families > 0 else gids[families:] if families < 0 else gids
    sel = Selection(date.fromisoformat(day), 0, 0, array("q", chosen))
    samples: list[int] = []
    step = max(1, sel.count // 8)

    def progress(p) -> None:
        if p.written >= step * (len(samples) + 1):
            samples.append(_rss_mb())

    started = time.perf_counter()
    cpu = time.process_time()
    totals = DbBillingDesk(db).run(sel, out_dir, fmt, progress=progress)
    print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                      "families": sel.count, "sent": totals.sent,
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "rss_mb": samples, "load": os.getloadavg()[0]}))
    return 0


def _rss_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
