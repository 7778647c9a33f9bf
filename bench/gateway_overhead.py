"""Gateway overhead: the same auth calls sent straight to the auth service and through the gateway.

Starts the auth service, the inventory service and the gateway (uvicorn, one worker each; ``harness.stack``)
on loopback against a throwaway database, Redis prefix and role suffix, then measures

- ``POST /api/v1/auth/login``: p50 over sequential calls (bcrypt cost 12 dominates);
- ``GET /api/v1/auth/me`` with a bearer token: requests/s, p50 and p99 at concurrency 1 and 32;

and prints the gateway's added p50 latency and its share of direct throughput. Everything it creates is
removed at the end. Run with ``make bench`` (or ``uv run python bench/gateway_overhead.py --help``).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import shutil
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx
from harness import WrkStats, median_stats, stack, wrk


@dataclass
class Stats:
    label: str
    count: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.count / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        return self.pct(0.99)


async def hammer(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], total: int, concurrency: int
) -> Stats:
    latencies: list[float] = []
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            response = await client.get(url, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:200]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Stats(url, len(latencies), time.perf_counter() - started, latencies)


async def run(args: argparse.Namespace) -> None:
    async with stack("gateway_overhead") as running:
        await measure(running.auth, running.gateway, args)


async def measure(direct: str, through: str, args: argparse.Namespace) -> None:
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        email, password = f"bench-{secrets.token_hex(3)}@example.com", secrets.token_urlsafe(12)
        registered = await client.post(
            f"{through}/api/v1/auth/register",
            json={"email": email, "password": password, "full_name": "Bench", "tenant_name": "Bench Shop"},
        )
        registered.raise_for_status()
        token = registered.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        login = {"direct": [], "gateway": []}  # type: dict[str, list[float]]
        for _ in range(args.logins):
            for name, base in (("direct", direct), ("gateway", through)):
                started = time.perf_counter()
                response = await client.post(
                    f"{base}/api/v1/auth/login", json={"email": email, "password": password}
                )
                login[name].append((time.perf_counter() - started) * 1000)
                response.raise_for_status()

        print(f"\nlogin (sequential, n={args.logins} each)")
        for name, values in login.items():
            print(f"  {name:8s} p50 {statistics.median(values):8.2f} ms")

        results: Mapping[tuple[str, int], WrkStats | Stats]
        if shutil.which("wrk") and not args.python_client:
            results = measure_with_wrk(direct, through, token, args)
        else:
            results = await measure_with_httpx(client, direct, through, headers, args)

        print(
            f"\nGET /api/v1/auth/me ({'wrk' if shutil.which('wrk') and not args.python_client else 'httpx'})"
        )
        print(f"  {'path':8s} {'conc':>4s} {'req/s':>9s} {'p50 ms':>8s} {'p99 ms':>8s}")
        for name, concurrency in sorted(results, key=lambda key: (key[1], key[0])):
            s = results[(name, concurrency)]
            print(f"  {name:8s} {concurrency:4d} {s.rps:9.0f} {s.p50:8.2f} {s.p99:8.2f}")
        for concurrency in (1, 32):
            d, g = results[("direct", concurrency)], results[("gateway", concurrency)]
            print(
                f"  concurrency {concurrency:2d}: gateway adds {g.p50 - d.p50:+.2f} ms at p50, "
                f"keeps {g.rps / d.rps * 100:.0f}% of direct throughput"
            )
        login_added = statistics.median(login["gateway"]) - statistics.median(login["direct"])
        print(f"  login: gateway adds {login_added:+.2f} ms at p50")


def measure_with_wrk(
    direct: str, through: str, token: str, args: argparse.Namespace
) -> dict[tuple[str, int], WrkStats]:
    """Median of ``rounds`` alternating runs per path and concurrency (drift hits both alike)."""
    results: dict[tuple[str, int], WrkStats] = {}
    for concurrency in (1, 32):
        runs: dict[str, list[WrkStats]] = {"direct": [], "gateway": []}
        for base in (direct, through):  # warm-up: pools, JWKS cache, code paths
            wrk(f"{base}/api/v1/auth/me", token, concurrency, 2)
        for _ in range(args.rounds):
            for name, base in (("direct", direct), ("gateway", through)):
                stats = wrk(f"{base}/api/v1/auth/me", token, concurrency, args.seconds)
                if stats.errors:
                    raise RuntimeError(f"wrk saw {stats.errors} failed requests against {base}")
                runs[name].append(stats)
        for name, stats_list in runs.items():
            results[(name, concurrency)] = median_stats(stats_list)
    return results


async def measure_with_httpx(
    client: httpx.AsyncClient, direct: str, through: str, headers: dict[str, str], args: argparse.Namespace
) -> dict[tuple[str, int], Stats]:
    results: dict[tuple[str, int], Stats] = {}
    for concurrency, total in ((1, args.requests_c1), (32, args.requests_c32)):
        for base in (direct, through):  # warm-up: pools, JWKS cache, code paths
            await hammer(client, f"{base}/api/v1/auth/me", headers, 200, concurrency)
        for _ in range(args.rounds):  # alternate so drift on a shared machine hits both alike
            for name, base in (("direct", direct), ("gateway", through)):
                stats = await hammer(client, f"{base}/api/v1/auth/me", headers, total, concurrency)
                key = (name, concurrency)
                if key in results:
                    results[key].latencies_ms += stats.latencies_ms
                    results[key].count += stats.count
                    results[key].seconds += stats.seconds
                else:
                    results[key] = stats
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--logins", type=int, default=15)
    parser.add_argument("--requests-c1", type=int, default=600)
    parser.add_argument("--requests-c32", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--python-client", action="store_true", help="use httpx even when wrk is installed")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
