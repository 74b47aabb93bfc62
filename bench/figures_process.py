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


# What each program shows once its first screen is complete: the app's status line is
# written only after the opening list is in place; the reference's input placeholder.
APP_PAINTED = b"Enter opens the account"
MINIMAL_PAINTED = b"ind patient"  # the cursor cell splits off the "F"


def startup(ctx: Context) -> list[Figure]:
    op, size = "start-up to search screen painted", f"{ctx.patients:,} patients"
    if not _app_supports_exit_env():
        return [unavailable(op, size, f"the app does not honour {EXIT_ENV}=1 yet",
                            target_stat="median", target_ratio=STARTUP_RATIO)]
    reps = ctx.reps(15, 3)  # medians of many runs: this machine is noisy
    env = {**os.environ, EXIT_ENV: "1", "TERM": "xterm-256color"}
    mine = [*dentledger_command(), "--db", str(ctx.db_path)]
    minimal = [sys.executable, str(HERE / "minimal_app.py")]
    try:
        app, ref = _interleaved(lambda: _run_in_pty(mine, env, APP_PAINTED),
                                lambda: _run_in_pty(minimal, env, MINIMAL_PAINTED), reps)
    except (TimeoutError, RuntimeError) as exc:
        return [unavailable(op, size, str(exc), reference="minimal Textual app",
                            target_stat="median", target_ratio=STARTUP_RATIO)]
    painted = Figure(op, size, Timing.of([p for p, _ in app]), reference="minimal Textual app",
                     ref_timing=Timing.of([p for p, _ in ref]), target_stat="median",
                     target_ratio=STARTUP_RATIO)
    painted.note = (f"whole process in a 120x40 pseudo-terminal, from spawn until the terminal "
                    f"has received the complete first screen (the app: search box focused and "
                    f"the opening list with its status line; the reference, bench/minimal_app.py: "
                    f"its input); {reps} runs each after a warm-up, interleaved; ratio of "
                    f"medians {painted.ratio:.2f}, target <= {STARTUP_RATIO:g}")
    exited = Figure("start-up, paint and exit", size, Timing.of([e for _, e in app]),
                    reference="minimal Textual app", ref_timing=Timing.of([e for _, e in ref]),
                    target_stat="median")
    exited.note = (f"the same runs until the process has exited ({EXIT_ENV}=1 quits after the "
                   f"first paint): adds Textual's shutdown and the interpreter's; no target, "
                   f"ratio of medians {exited.ratio:.2f}")
    return [painted, exited]


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


def _interleaved(fn, ref_fn, reps: int) -> tuple[list, list]:
    """Run ``fn`` and ``ref_fn`` alternately (one untimed warm-up each), so both see the
    same machine load and file cache; what each returned, per run."""
    fn()
    ref_fn()
    mine, ref = [], []
    for _ in range(reps):
        mine.append(fn())
        ref.append(ref_fn())
    return mine, ref


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


def _run_in_pty(argv: list[str], env: dict, painted: bytes) -> tuple[float, float]:
    """Run a full-screen program on a 120x40 pseudo-terminal until it exits: seconds from
    spawn until its output has shown ``painted``, and until it has exited."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                            close_fds=True, start_new_session=True)
    os.close(slave)
    output: list[bytes] = []
    seen: list[float] = []
    reader = threading.Thread(target=_drain, args=(master, output, painted, seen), daemon=True)
    reader.start()
    # A blocking wait with a watchdog, not wait(timeout=...): that one polls at up to 50 ms
    # intervals, which would round every figure up by as much.
    watchdog = threading.Timer(TIMEOUT, proc.kill)
    watchdog.start()
    try:
        code = proc.wait()
    finally:
        timed_out = not watchdog.is_alive()
        watchdog.cancel()
        reader.join(timeout=2)
        os.close(master)
    exited = time.perf_counter() - start
    if timed_out:
        raise TimeoutError(f"{Path(argv[0]).name} did not exit within {TIMEOUT:.0f} s "
                           f"with {EXIT_ENV}=1")
    if code != 0:
        tail = b"".join(output)[-300:].decode(errors="replace").strip()
        raise RuntimeError(f"{Path(argv[0]).name} exited with status {code}: {tail}")
    if not seen:
        raise RuntimeError(f"{Path(argv[0]).name} never showed {painted.decode()!r}")
    return seen[0] - start, exited


def _drain(fd: int, sink: list[bytes], painted: bytes, seen: list[float]) -> None:
    """Read the terminal's output (a full pty would block the program), noting the time
    ``painted`` first arrives."""
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            return
        if not data:
            return
        sink.append(data)
        if not seen and painted in b"".join(sink[-2:]):
            seen.append(time.perf_counter())
        del sink[:-8]  # keep only the tail, for error messages
