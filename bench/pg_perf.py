"""Where PostgreSQL's own CPU goes while a bench runs: ``perf record`` on the backends of one role (the
platform's app role by default) and the functions that hold most of their samples, callees included.

Run it beside a bench (issue 14, ADR 0030), e.g. ``floor_ratio.py --only create`` in one shell and, while
the platform's run is timed, ``uv run python bench/pg_perf.py --seconds 8`` in another. A row such as
``30.5 %  fmgr_sql`` reads as "a third of the backends' CPU runs LANGUAGE sql functions the planner did
not inline" (what led to ADR 0030); ``plpgsql_exec_trigger``, ``standard_planner``, ``XLogFlush``,
``_bt_doinsert`` or ``AfterTriggerEndQuery`` name the other usual suspects.

Needs ``perf`` (Debian: linux-perf) and the right to trace the backends (root, or perf_event_paranoid
<= 1 for the postgres user). Reads a catalog view as the superuser given by ``--dsn``; changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import asyncpg

QUERY = """
select pid from pg_stat_activity
where backend_type = 'client backend' and pid <> pg_backend_pid() and datname like $1 || '%'
  and usename like $2
"""
#: Frames every sample has (the postmaster's and the backend's main loops): not worth a row.
ALWAYS = {"PostmasterMain", "main", "__libc_start_call_main", "PostgresMain"}


async def backends(dsn: str, database: str, role: str) -> list[int]:
    connection = await asyncpg.connect(dsn)
    try:
        return [int(r["pid"]) for r in await connection.fetch(QUERY, database, role)]
    finally:
        await connection.close()


def record(pids: list[int], seconds: float, out: Path) -> None:
    pid_list = ",".join(map(str, pids))
    subprocess.run(
        ["perf", "record", "-g", "-p", pid_list, "-o", str(out), "sleep", str(seconds)],
        check=True,
        capture_output=True,
    )


def report(data: Path, top: int) -> list[tuple[float, str]]:
    """The functions with the largest share of samples, callees included (``perf report --children``)."""
    text = subprocess.run(
        ["perf", "report", "-i", str(data), "--children", "--sort", "symbol", "--stdio", "-g", "none"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rows: list[tuple[float, str]] = []
    for line in text.splitlines():
        fields = line.split()
        # "  36.87%  0.04%  [.] plpgsql_call_handler  -  -": children, self, kind, symbol
        if len(fields) < 4 or not fields[0].endswith("%") or not fields[2].startswith("["):
            continue
        symbol = fields[3]
        if symbol.startswith("0x") or symbol in ALWAYS:  # unresolved addresses say nothing
            continue
        rows.append((float(fields[0].rstrip("%")), symbol))
    return rows[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="batchivo_bench", help="databases whose name starts so")
    parser.add_argument("--role", default="inventory_app%", help="a LIKE pattern of the backends' role")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    if not shutil.which("perf"):
        parser.error("perf is not installed (apt-get install linux-perf)")
    pids = asyncio.run(backends(args.dsn, args.database, args.role))
    if not pids:
        sys.exit(f"no backend of a role like {args.role!r} on a database like {args.database!r}%")
    with tempfile.TemporaryDirectory(prefix="batchivo-pg-perf-") as scratch:
        data = Path(scratch) / "perf.data"
        record(pids, args.seconds, data)
        rows = report(data, args.top)
    print(f"{len(pids)} backends, {args.seconds:g} s; share of their samples, callees included:")
    for share, symbol in rows:
        print(f"{share:6.1f} %  {symbol}")


if __name__ == "__main__":
    main()
