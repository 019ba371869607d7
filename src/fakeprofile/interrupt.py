"""Ctrl-C in commands that run worker processes: one line and exit 130 (cli.main), every time.

Ctrl-C sends SIGINT to the whole process group, workers included. Workers ignore it
(`ignore_in_worker`, their pool's initializer): the parent stops the run, and each worker would
otherwise print a traceback. The parent takes it through `deferred`, not where Python happens
to raise KeyboardInterrupt, which is wherever its main thread is:
- between a pool forking its workers and starting the thread that tells them to stop, which
  left workers nobody would stop, and the run hung at exit waiting for them;
- inside an at-fork callback (logging's, as the pool forks) or a ctypes callback (llvmlite's,
  while Numba loads compiled code), where the exception is printed as "ignored" and the run
  goes on to finish with exit code 0 (seen when interrupting in the first seconds of a run).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def deferred() -> Iterator[Callable[[], None]]:
    """Within the block Ctrl-C is only noted; the block calls the function this yields where
    stopping is safe, which raises KeyboardInterrupt then, and so does leaving the block.
    Outside the main thread, where signals cannot be handled, this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: None
        return
    noted: list[int] = []

    def stop() -> None:
        if noted:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, lambda signum, frame: noted.append(signum))
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)
    stop()


def ignore_in_worker() -> None:
    """In a worker process: Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
