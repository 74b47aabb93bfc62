"""A job in a child process forked beside this one (`Forked`).

The child shares this process's memory as it was when forked (a file's bytes, a practice
read), does its job, writes its answer to a pipe and leaves with ``os._exit``: no exit
handlers, no buffered output written twice. Nothing depends on it: where there is no
``fork``, no process can be made, or the child fails or is killed, the caller sees no answer
and does the job itself.

May import: nothing of the project.
"""
from __future__ import annotations

import os
import signal
from typing import BinaryIO, Callable


class Forked:
    """``job(out)`` run in a forked child, ``out`` the pipe's end it writes its answer to; the
    caller reads it from `pipe` (None: no child). Use as a context manager: leaving it stops
    and reaps a child still running."""

    def __init__(self, job: Callable[[BinaryIO], None] | None):
        self.pid: int | None = None
        self.status: int | None = None  # the child's exit status (`os.waitpid`) once reaped
        self.pipe: BinaryIO | None = None
        if job is None or not hasattr(os, "fork"):
            return
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or process left for a child: the caller does the job
            os.close(read)
            os.close(write)
            return
        if pid == 0:
            os.close(read)
            _run(job, write)  # never returns
        os.close(write)
        self.pid, self.pipe = pid, os.fdopen(read, "rb")

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        self.stop()
        return False

    def stop(self) -> None:
        if self.pipe is not None:
            self.pipe.close()
            self.pipe = None
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)  # (gone already once it has answered)
            except ProcessLookupError:
                pass
            self.status = os.waitpid(self.pid, 0)[1]
            self.pid = None


def _run(job: Callable[[BinaryIO], None], fd: int) -> None:
    """The child: do the job, leave without running the parent's exit handlers."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl+C stops it with its parent
        with os.fdopen(fd, "wb") as out:
            job(out)
        status = 0
    except BaseException:  # noqa: BLE001 - the parent sees no answer and does the job itself
        pass
    finally:
        os._exit(status)
