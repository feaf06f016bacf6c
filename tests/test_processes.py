"""graph.processes.alive: a running process is alive; an exited one, reaped or
not (a zombie), is gone, so its lock or load-board slot is freed."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from graph.processes import alive


def test_a_running_process_is_alive() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert alive(child.pid)
        assert alive(os.getpid())
    finally:
        child.kill()
        child.wait()


def test_an_exited_child_is_gone_before_and_after_it_is_reaped() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 30
    while alive(child.pid) and time.monotonic() < deadline:
        time.sleep(0.01)  # exited, not yet reaped: a zombie
    assert not alive(child.pid)
    assert child.poll() == 0  # only now reaped
    assert not alive(child.pid)
