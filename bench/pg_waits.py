"""What PostgreSQL's backends are doing while a bench runs: samples ``pg_stat_activity`` and prints, for each
(database, state, wait event, statement) seen, how many backends were in it on average.

Run it beside a bench (issue 14, ADR 0029), e.g. ``floor_ratio.py --only create`` in one shell and
``uv run python bench/pg_waits.py --seconds 3 --database batchivo_bench`` in another while the platform's
run is timed: a row like ``2.3 active Lock/transactionid INSERT ...`` beside ``1.2 idle in transaction``
reads as "two backends queue on a row lock while its holder waits for the service".

It only reads a catalog view (as the superuser given by ``--dsn``); it changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import time

import asyncpg

QUERY = """
select datname, state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 48) as query
from pg_stat_activity
where backend_type = 'client backend' and pid <> pg_backend_pid() and datname like $1 || '%'
  and state <> 'idle'
"""


async def sample(dsn: str, database: str, seconds: float, interval: float) -> tuple[int, collections.Counter]:
    seen: collections.Counter[tuple[str, str, str, str]] = collections.Counter()
    samples = 0
    connection = await asyncpg.connect(dsn)
    try:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for row in await connection.fetch(QUERY, database):
                wait = f"{row['wait_event_type']}/{row['wait_event']}" if row["wait_event_type"] else "-"
                # An idle transaction's last statement says little; a waiting or running one's says which.
                query = "" if row["state"] == "idle in transaction" else row["query"]
                seen[(row["datname"], row["state"], wait, query)] += 1
            samples += 1
            await asyncio.sleep(interval)
    finally:
        await connection.close()
    return samples, seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="batchivo_bench", help="databases whose name starts so")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--interval", type=float, default=0.005, help="seconds between samples")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    samples, seen = asyncio.run(sample(args.dsn, args.database, args.seconds, args.interval))
    print(f"{samples} samples; backends on average, by database, state, wait and statement:")
    for (database, state, wait, query), count in seen.most_common(args.top):
        print(f"{count / max(samples, 1):6.2f}  {database[:24]:24}  {state:20}  {wait:28}  {query}")


if __name__ == "__main__":
    main()
