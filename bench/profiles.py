"""Per-process CPU profiles during a bench run: py-spy samples a running server and the samples are summed
by the library they spend their time in, for the "where does each millisecond go" tables of bench/README.md.

Used by the bench scripts (``--profile``); imported by its plain name like ``harness``.
"""

from __future__ import annotations

import collections
import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

#: Where a sample's time goes: the first matching rule, walking the stack from the innermost frame out, wins.
#: The order matters: SQLAlchemy calls asyncpg, FastAPI calls pydantic, the gateway's proxy calls httpx.
BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("socket / epoll (system calls)", ("_socket.socket", "select.epoll")),
    ("asyncpg (driver)", ("asyncpg/",)),
    ("redis client", ("redis/",)),
    ("aio-pika / aiormq", ("aio_pika/", "aiormq/", "pamqp/")),
    ("opentelemetry", ("opentelemetry/",)),
    ("prometheus", ("prometheus_client/",)),
    ("JWT / crypto", ("jwt/", "cryptography/")),
    ("logging", ("logging/", "structlog/")),
    ("json (stdlib)", ("json/",)),
    ("pydantic (validate / serialise)", ("pydantic/", "pydantic_core/")),
    ("SQLAlchemy (ORM, Core, compile)", ("sqlalchemy/",)),
    ("httpx / httpcore (proxy client)", ("httpx/", "httpcore/", "h11/")),
    ("FastAPI (routing, deps, encoders)", ("fastapi/",)),
    ("Starlette (middleware, responses)", ("starlette/",)),
    ("uvicorn / httptools (HTTP server)", ("uvicorn/", "httptools/")),
    ("batchivo code", ("batchivo_",)),
    ("asyncio event loop", ("asyncio/", "uvloop/")),
)


def available() -> bool:
    return shutil.which("py-spy") is not None or Path(sys.executable).with_name("py-spy").is_file()


def pid_of_port(port: int) -> int | None:
    """The uvicorn process started with ``--port <port>`` (the harness starts every server that way)."""
    needle = f"--port\0{port}\0".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if needle in (entry / "cmdline").read_bytes():
                    return int(entry.name)
    return None


@contextlib.contextmanager
def recording(pids: dict[str, int], out_dir: Path, label: str, seconds: float) -> Iterator[None]:
    """py-spy samples each process (100 Hz, GIL-holding and active threads only) while the body runs."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    out_dir.mkdir(parents=True, exist_ok=True)
    procs = [
        subprocess.Popen(
            [
                *(spy, "record", "--nonblocking", "-r", "100", "-d", str(int(seconds)), "-f", "raw"),
                *("-o", str(out_dir / f"{label}-{name}.txt"), "-p", str(pid)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, pid in pids.items()
    ]
    try:
        yield
    finally:
        for proc in procs:
            try:
                proc.wait(seconds + 20)
            except subprocess.TimeoutExpired:
                proc.kill()


def summarise(raw: Path) -> tuple[int, list[tuple[str, float]]]:
    """Samples in a py-spy raw file, and each bucket's share of them (innermost matching frame wins)."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    if not raw.is_file():
        return 0, []
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        samples = int(n)
        total += samples
        counts[bucket(stack.split(";"))] += samples
    return total, [(name, counts[name] / total) for name, _ in (*BUCKETS, ("other", ())) if counts[name]]


def bucket(frames: list[str]) -> str:
    for frame in reversed(frames):  # innermost first
        for name, needles in BUCKETS:
            if any(needle in frame for needle in needles):
                return name
    return "other"


def print_summary(out_dir: Path, label: str, names: list[str]) -> None:
    for name in names:
        total, shares = summarise(out_dir / f"{label}-{name}.txt")
        if not total:
            print(f"  {label} / {name}: no samples")
            continue
        parts = ", ".join(f"{bucket_name} {share:.0%}" for bucket_name, share in shares if share >= 0.02)
        print(f"  {label} / {name} ({total} samples at 100 Hz): {parts}")


# --- CPU per request ---------------------------------------------------------------------------------------

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (``/proc/<pid>/stat``); gone ones count 0.
    CPU time, unlike wall time, is what a request costs whatever else the shared box is doing."""
    return sum(cpu_by_pid(pids).values())


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """:func:`cpu_seconds` of each process still running. Compare two readings over the pids present in
    both: a pooled database connection that closed between them (an idle one, at concurrency 1) would
    otherwise take its whole past CPU off the difference."""
    found: dict[int, float] = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            # The command name (field 2) may hold spaces: split after its closing parenthesis.
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            found[pid] = (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime (14, 15)
    return found


def with_children(pid: int) -> list[int]:
    """``pid`` and its child processes (uvicorn's workers when it runs more than one)."""
    found = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rpartition(")")[2].split()[1]) == pid:
                    found.append(int(entry.name))
    return found
