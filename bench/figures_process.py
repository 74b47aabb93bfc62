"""Whole-process figures: `dentledger` start-up to the painted search screen, and
`dentledger balance smi`, each against the bare interpreter / a minimal Textual app."""
from __future__ import annotations

import fcntl
import os
import shutil
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

from .context import Context
from .report import Figure, unavailable
from .timing import Timing

HERE = Path(__file__).resolve().parent
EXIT_ENV = "DENTLEDGER_EXIT_AFTER_FIRST_PAINT"
TIMEOUT = 60.0
STARTUP_RATIO = 1.5  # app median / minimal Textual app median, same run


def dentledger_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m cli.main``."""
    script = Path(sys.executable).with_name("dentledger")
    if script.exists():
        return [str(script)]
    found = shutil.which("dentledger")
    return [found] if found else [sys.executable, "-m", "cli.main"]


def startup(ctx: Context) -> Figure:
    op, size = "start-up to search screen painted", f"{ctx.patients:,} patients"
    if not _app_supports_exit_env():
        return unavailable(op, size, f"the app does not honour {EXIT_ENV}=1 yet",
                           target_stat="median", target_ratio=STARTUP_RATIO)
    reps = ctx.reps(7, 3)
    env = {**os.environ, EXIT_ENV: "1", "TERM": "xterm-256color"}
    mine = [*dentledger_command(), "--db", str(ctx.db_path)]
    minimal = [sys.executable, str(HERE / "minimal_app.py")]
    try:
        app, ref = _interleaved(lambda: _run_in_pty(mine, env),
                                lambda: _run_in_pty(minimal, env), reps)
    except (TimeoutError, RuntimeError) as exc:
        return unavailable(op, size, str(exc), reference="minimal Textual app",
                           target_stat="median", target_ratio=STARTUP_RATIO)
    figure = Figure(op, size, app, reference="minimal Textual app", ref_timing=ref,
                    target_stat="median", target_ratio=STARTUP_RATIO)
    figure.note = (f"whole process in a 120x40 pseudo-terminal until it exits after its "
                   f"first paint (search box focused); {reps} runs each after a warm-up, "
                   f"interleaved with the reference (bench/minimal_app.py, same pty); "
                   f"ratio of medians {figure.ratio:.2f}, target <= {STARTUP_RATIO:g}")
    return figure


def balance(ctx: Context) -> Figure:
    op, size = "dentledger balance smi", f"{ctx.patients:,} patients"
    argv = [*dentledger_command(), "--db", str(ctx.db_path), "balance", "smi"]
    first = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT)
    if first.returncode != 0:
        return unavailable(op, size, (first.stderr.strip() or "exit status "
                                      f"{first.returncode}").splitlines()[-1])
    reps = ctx.reps(7, 3)
    app = _timed(lambda: subprocess.run(argv, capture_output=True, timeout=TIMEOUT,
                                        check=True), reps)
    ref = _timed(lambda: subprocess.run([sys.executable, "-c", "pass"], timeout=TIMEOUT,
                                        check=True), reps)
    hits = max(0, len(first.stdout.strip().splitlines()) - 2)
    return Figure(op, size, app, target_ms=400, target_stat="median",
                  reference="python -c pass", ref_timing=ref,
                  note=f"whole process; about {hits} patients listed")


def _interleaved(fn, ref_fn, reps: int) -> tuple[Timing, Timing]:
    """Time ``fn`` and ``ref_fn`` alternately (one untimed warm-up each), so both see the
    same machine load and file cache."""
    fn()
    ref_fn()
    mine, ref = [], []
    for _ in range(reps):
        for call, sink in ((fn, mine), (ref_fn, ref)):
            start = time.perf_counter()
            call()
            sink.append(time.perf_counter() - start)
    return Timing.of(mine), Timing.of(ref)


def _timed(fn, reps: int) -> Timing:
    seconds = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return Timing.of(seconds)


def _app_supports_exit_env() -> bool:
    """True when the TUI or CLI source mentions the exit-after-first-paint switch."""
    root = HERE.parent
    for folder in ("cli", "tui"):
        for path in (root / folder).rglob("*.py"):
            if EXIT_ENV in path.read_text(encoding="utf-8", errors="replace"):
                return True
    return False


def _run_in_pty(argv: list[str], env: dict) -> None:
    """Run a full-screen program on a 120x40 pseudo-terminal until it exits."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                            close_fds=True, start_new_session=True)
    os.close(slave)
    output: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(master, output), daemon=True)
    reader.start()
    try:
        code = proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise TimeoutError(f"{Path(argv[0]).name} did not exit within {TIMEOUT:.0f} s "
                           f"with {EXIT_ENV}=1") from None
    finally:
        reader.join(timeout=2)
        os.close(master)
    if code != 0:
        tail = b"".join(output)[-300:].decode(errors="replace").strip()
        raise RuntimeError(f"{Path(argv[0]).name} exited with status {code}: {tail}")


def _drain(fd: int, sink: list[bytes]) -> None:
    """Read the terminal's output (a full pty would block the program)."""
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            return
        if not data:
            return
        sink.append(data)
        del sink[:-8]  # keep only the tail, for error messages
