"""What the benchmark scripts share: free ports, server processes, and wrk runs read into numbers.

The scripts run as ``python bench/<name>.py``, so this module is imported by its plain name.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import statistics
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
#: How the scripts start a service: one uvicorn worker per app factory, quiet, on loopback.
UVICORN = [sys.executable, "-m", "uvicorn", "--factory", "--no-access-log", "--log-level", "warning"]
UVICORN += ["--host", "127.0.0.1"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- wrk ---------------------------------------------------------------------------------------------------


@dataclass
class WrkStats:
    """What wrk (a C load generator: little CPU of its own on a 2-core box) reports for one run."""

    rps: float
    p50: float
    p99: float
    requests: int
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS[unit]


def wrk(url: str, token: str, concurrency: int, seconds: float, script: Path | None = None) -> WrkStats:
    threads = min(2, concurrency)
    # A 10 s timeout: a slow answer is measured rather than dropped (wrk's default is 2 s).
    command = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    command += ["-H", f"Authorization: Bearer {token}"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    total = re.search(r"^\s+(\d+) requests in", out, re.M)
    if not (p50 and p99 and rps and total):
        raise RuntimeError(f"cannot read wrk output:\n{out}")
    errors = 0
    if non2xx := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors += int(non2xx.group(1))
    if sockets := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(n) for n in sockets.groups())
    return WrkStats(float(rps.group(1)), _ms(p50.group(1)), _ms(p99.group(1)), int(total.group(1)), errors)


def median_stats(runs: list[WrkStats]) -> WrkStats:
    return WrkStats(
        statistics.median(s.rps for s in runs),
        statistics.median(s.p50 for s in runs),
        statistics.median(s.p99 for s in runs),
        sum(s.requests for s in runs),
        sum(s.errors for s in runs),
    )


# --- processes ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            if proc.poll() is not None:
                raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} never became ready:\n{log.read_text()[-3000:]}")


def migrate(ini: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", ini, "upgrade", "head"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"alembic -c {ini} upgrade head failed:\n{done.stdout}\n{done.stderr}")
