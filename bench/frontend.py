"""The web app's budgets: initial JavaScript (gzipped) and how fast the spools page becomes interactive.

1. Initial JavaScript: the scripts ``frontend/dist/index.html`` loads before any route runs (its module
   entry and modulepreloads), each gzipped at level 9, summed. Goal: under 250 KB. The lazily loaded page
   chunks are listed too.
2. Spools page: starts auth, inventory and the gateway (serving ``frontend/dist``) against a throwaway
   database, registers a shop with ``--spools`` spools (through the API: one filament type, bulk adds of
   100), then headless Chromium (``frontend/tests/bench/spools-interactive.mjs``) opens ``/spools``
   ``--runs`` times,
   each in a fresh context (cold HTTP cache, signed in through the refresh cookie): navigation start to the
   first 50 rows on screen with the main thread free. Goal: median under 1.5 s.
3. Products page: the same with the catalog started too, a shop with ``--products`` products (through the
   API, 16 at a time) and ``/products`` opened ``--runs`` times (each row carries its make cost and
   channel results, computed by the catalog per page). Goal: median under 1.5 s. ``--products 0`` skips it.
4. Production runs page: the same with production and the workers started too, a shop with
   ``--production-runs`` runs (through the API, 16 at a time, of one model the production service learned
   of by the catalog's event) and ``/production-runs`` opened ``--runs`` times. Goal: median under 1.5 s.
   ``--production-runs 0`` skips it.

Needs a build (``make frontend``) and Chromium (``make browser``). ``uv run python bench/frontend.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import re
import secrets
import statistics
import subprocess
import sys
from pathlib import Path

import httpx
from harness import ROOT, stack

DIST = ROOT / "frontend" / "dist"
INITIAL_JS_BUDGET_KB = 250.0
INTERACTIVE_GOAL_MS = 1500.0


def gzipped_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), compresslevel=9)) / 1024


def initial_scripts(index_html: str) -> list[str]:
    entry = re.findall(r'<script[^>]+type="module"[^>]+src="([^"]+)"', index_html)
    preloads = re.findall(r'<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"', index_html)
    return sorted(set(entry + preloads))


def bundle_report() -> float:
    scripts = initial_scripts((DIST / "index.html").read_text())
    total = 0.0
    print("initial JavaScript (gzip -9):")
    for src in scripts:
        size = gzipped_kb(DIST / src.lstrip("/"))
        total += size
        print(f"  {src:<48} {size:8.1f} KB")
    verdict = "OK" if total < INITIAL_JS_BUDGET_KB else "OVER BUDGET"
    print(f"  total {total:.1f} KB (budget {INITIAL_JS_BUDGET_KB:.0f} KB): {verdict}")
    initial = {Path(s).name for s in scripts}
    chunks = [p for p in (DIST / "assets").glob("*.js") if p.name not in initial]
    lazy = sorted(((gzipped_kb(p), p.name) for p in chunks), reverse=True)
    print("largest lazily loaded chunks: " + ", ".join(f"{name} {kb:.1f} KB" for kb, name in lazy[:6]))
    return total


async def seed_shop(client: httpx.AsyncClient, spools: int) -> tuple[str, str]:
    email, password = f"bench-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(12)
    registered = await client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": password, "full_name": "Bench", "tenant_name": "Bench shop"},
    )
    registered.raise_for_status()
    headers = {"Authorization": f"Bearer {registered.json()['access_token']}"}
    materials = (await client.get("/api/v1/material-types", headers=headers)).json()["items"]
    pla = next(m for m in materials if m["code"] == "PLA")
    created = await client.post(
        "/api/v1/filament-types",
        headers=headers,
        json={"material_type_id": pla["id"], "brand": "Bench", "color_name": "Amber", "color_hex": "#FFBF00"},
    )
    created.raise_for_status()
    body = {"filament_type_id": created.json()["id"], "initial_weight": 1000, "location": "Shelf A"}
    for start in range(0, spools, 100):
        quantity = min(100, spools - start)
        added = await client.post("/api/v1/spools/bulk", headers=headers, json={**body, "quantity": quantity})
        added.raise_for_status()
    return email, password


async def seed_products(client: httpx.AsyncClient, products: int) -> tuple[str, str]:
    """A shop with one model and `products` products of it (the list computes every row's costs)."""
    email, password = f"bench-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(12)
    registered = await client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": password, "full_name": "Bench", "tenant_name": "Bench shop"},
    )
    registered.raise_for_status()
    headers = {"Authorization": f"Bearer {registered.json()['access_token']}"}
    model = await client.post(
        "/api/v1/models", headers=headers, json={"sku": "MOD-1", "name": "Bench model", "labor_minutes": 5}
    )
    model.raise_for_status()
    model_id = model.json()["id"]
    gate = asyncio.Semaphore(16)

    async def add(number: int) -> None:
        async with gate:
            body = {
                "sku": f"PRD-{number:05d}",
                "name": f"Bench product {number}",
                "models": [{"model_id": model_id, "quantity": 1 + number % 3}],
                "packaging_cost": 0.5,
            }
            added = await client.post("/api/v1/products", headers=headers, json=body)
            added.raise_for_status()

    await asyncio.gather(*(add(n) for n in range(1, products + 1)))
    return email, password


async def seed_runs(client: httpx.AsyncClient, runs: int) -> tuple[str, str]:
    """A shop with one model and `runs` planned production runs of it (newest day first in the list)."""
    email, password = f"bench-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(12)
    registered = await client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": password, "full_name": "Bench", "tenant_name": "Bench shop"},
    )
    registered.raise_for_status()
    headers = {"Authorization": f"Bearer {registered.json()['access_token']}"}
    model = await client.post("/api/v1/models", headers=headers, json={"sku": "MOD-1", "name": "Bench model"})
    model.raise_for_status()
    model_id = model.json()["id"]
    # Production learns of the model by the catalog's event: wait until the first run is accepted.
    first = {"items": [{"model_id": model_id, "quantity": 1}], "allow_insufficient": True}
    for _ in range(100):
        created = await client.post("/api/v1/production-runs", headers=headers, json=first)
        if created.status_code == 201:
            break
        await asyncio.sleep(0.2)
    created.raise_for_status()
    gate = asyncio.Semaphore(16)

    async def add(number: int) -> None:
        async with gate:
            body = {
                "items": [{"model_id": model_id, "quantity": 1 + number % 5}],
                "run_date": f"2026-{1 + number % 12:02d}-{1 + number % 28:02d}",
                "notes": f"bench run {number}",
                "allow_insufficient": True,
            }
            added = await client.post("/api/v1/production-runs", headers=headers, json=body)
            added.raise_for_status()

    await asyncio.gather(*(add(n) for n in range(1, runs)))
    return email, password


def interactive(gateway: str, email: str, password: str, runs: int, path: str) -> dict[str, list[int] | int]:
    done = subprocess.run(
        ["node", "tests/bench/spools-interactive.mjs", gateway, email, password, str(runs), path],
        cwd=ROOT / "frontend",
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"browser run failed:\n{done.stdout}\n{done.stderr}")
    result: dict[str, list[int] | int] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def products_report(products: int, runs: int) -> float:
    async with stack("frontend-products", {"GATEWAY_FRONTEND_DIST": str(DIST)}, catalog=True) as running:
        async with httpx.AsyncClient(base_url=running.gateway, timeout=60) as client:
            email, password = await seed_products(client, products)
        result = interactive(running.gateway, email, password, runs, "/products")
    timings = result["runs_ms"]
    assert isinstance(timings, list)
    median = statistics.median(timings)
    verdict = "OK" if median < INTERACTIVE_GOAL_MS else "MISSED"
    shown = f"{result['rows']} rows shown"
    print(f"products page with {products} products, {shown}, {runs} cold loads: {timings} ms")
    print(f"  median {median:.0f} ms (goal < {INTERACTIVE_GOAL_MS:.0f} ms): {verdict}")
    return median


async def runs_report(count: int, runs: int) -> float:
    env = {"GATEWAY_FRONTEND_DIST": str(DIST)}
    async with stack("frontend-runs", env, production=True) as running:
        async with httpx.AsyncClient(base_url=running.gateway, timeout=60) as client:
            email, password = await seed_runs(client, count)
        result = interactive(running.gateway, email, password, runs, "/production-runs")
    timings = result["runs_ms"]
    assert isinstance(timings, list)
    median = statistics.median(timings)
    verdict = "OK" if median < INTERACTIVE_GOAL_MS else "MISSED"
    shown = f"{result['rows']} rows shown"
    print(f"production runs page with {count} runs, {shown}, {runs} cold loads: {timings} ms")
    print(f"  median {median:.0f} ms (goal < {INTERACTIVE_GOAL_MS:.0f} ms): {verdict}")
    return median


async def page_report(spools: int, runs: int) -> float:
    async with stack("frontend", {"GATEWAY_FRONTEND_DIST": str(DIST)}) as running:
        async with httpx.AsyncClient(base_url=running.gateway, timeout=60) as client:
            email, password = await seed_shop(client, spools)
        done = subprocess.run(
            ["node", "tests/bench/spools-interactive.mjs", running.gateway, email, password, str(runs)],
            cwd=ROOT / "frontend",
            capture_output=True,
            text=True,
            timeout=600,
        )
    if done.returncode != 0:
        raise RuntimeError(f"browser run failed:\n{done.stdout}\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    median = statistics.median(result["runs_ms"])
    verdict = "OK" if median < INTERACTIVE_GOAL_MS else "MISSED"
    shown = f"{result['rows']} rows shown"
    print(f"spools page with {spools} spools, {shown}, {runs} cold loads: {result['runs_ms']} ms")
    print(f"  median {median:.0f} ms (goal < {INTERACTIVE_GOAL_MS:.0f} ms): {verdict}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--spools", type=int, default=1_000, help="spools in the measured shop")
    parser.add_argument("--products", type=int, default=5_000, help="products in the measured shop (0: skip)")
    parser.add_argument(
        "--production-runs", type=int, default=1_000, help="production runs in the measured shop (0: skip)"
    )
    parser.add_argument("--runs", type=int, default=7, help="cold page loads (median)")
    parser.add_argument("--skip-spools", action="store_true", help="skip the spools page measurement")
    args = parser.parse_args()
    if not (DIST / "index.html").is_file():
        parser.error("no frontend build: run `make frontend` first")
    total_kb = bundle_report()
    medians = [] if args.skip_spools else [asyncio.run(page_report(args.spools, args.runs))]
    if args.products > 0:
        medians.append(asyncio.run(products_report(args.products, args.runs)))
    if args.production_runs > 0:
        medians.append(asyncio.run(runs_report(args.production_runs, args.runs)))
    sys.exit(0 if total_kb < INITIAL_JS_BUDGET_KB and all(m < INTERACTIVE_GOAL_MS for m in medians) else 1)


if __name__ == "__main__":
    main()
