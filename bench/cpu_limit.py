"""A CPU quota for a benchmark and everything it starts: a slower machine, on demand.

How a run fares on a machine that is slower, or busier, than this one (the same 2 cores with a
third of their time taken by others, say) need not wait for such an hour: `limited(1.4)` puts
this process and its future children (the server, the browsers) in a Linux control group whose
CFS quota allows 1.4 CPUs' worth of time per 100 ms period. cgroup v2 (`cpu.max`) or v1
(`cpu.cfs_quota_us`); it needs write access to the cgroup tree (root in a container).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")
PERIOD_US = 100_000


def _hierarchy() -> tuple[Path, str] | None:
    """(the cpu controller's root, "v1" or "v2") on this machine, or None."""
    if "cpu" in _read(CGROUP / "cgroup.controllers").split():
        return CGROUP, "v2"
    if (CGROUP / "cpu" / "cpu.cfs_quota_us").exists():
        return CGROUP / "cpu", "v1"
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _own_group(root: Path, version: str) -> Path:
    """The group this process is in now, to return to afterwards."""
    for line in _read(Path("/proc/self/cgroup")).splitlines():
        number, controllers, path = line.split(":", 2)
        if (version == "v2" and number == "0") or "cpu" in controllers.split(","):
            return root / path.lstrip("/")
    return root


@contextlib.contextmanager
def limited(cpus: float) -> Iterator[str]:
    """Run the block, and whatever it starts, within `cpus` CPUs; yields a line saying so."""
    if cpus <= 0:
        raise SystemExit("--cpus must be more than 0")
    found = _hierarchy()
    if found is None:
        raise SystemExit("--cpus: no cgroup cpu controller under /sys/fs/cgroup on this machine")
    root, version = found
    home, group = _own_group(root, version), root / f"bench-cpus-{os.getpid()}"
    quota = round(cpus * PERIOD_US)
    try:
        group.mkdir()
        if version == "v2":
            (group / "cpu.max").write_text(f"{quota} {PERIOD_US}")
        else:
            (group / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (group / "cpu.cfs_quota_us").write_text(str(quota))
        (group / "cgroup.procs").write_text(str(os.getpid()))
    except OSError as exc:
        with contextlib.suppress(OSError):
            group.rmdir()
        raise SystemExit(f"--cpus: cannot set a CPU quota ({exc}); it needs write access to "
                         f"{root} (root, or a delegated cgroup)") from exc
    try:
        yield (f"- CPU: this run, its server and its browsers were limited to {cpus:g} of the "
               f"machine's {os.cpu_count()} CPUs by a cgroup {version} quota "
               f"({quota} µs per {PERIOD_US} µs), as on a slower or busier machine.")
    finally:
        with contextlib.suppress(OSError):
            (home / "cgroup.procs").write_text(str(os.getpid()))
            group.rmdir()  # fails, harmlessly, while a child is still in it
