"""Whether a process still runs, for the embedded server's lock and pid files
and the API workers' load board: both must tell a live owner from a dead one."""

from __future__ import annotations

import os
from pathlib import Path


def alive(pid: int) -> bool:
    """True for a running process; a zombie (dead, not yet reaped) counts as gone.

    Signal 0 alone would call a zombie alive, so a worker or server that died
    under a parent that has not reaped it yet would keep its slot or lock.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc (or not readable): ask the kernel instead
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    state = stat.rsplit(")", 1)[-1].split()[:1]  # the name in (...) may hold spaces
    return state not in (["Z"], ["X"])
