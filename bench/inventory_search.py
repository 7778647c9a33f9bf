"""Spool search at 1,000 and at 100,000 spools per tenant: the inventory app in this process (real JWT, RLS,
PostgreSQL), requests through an in-process ASGI client, so only the service and the database are measured.

``uv run python bench/inventory_search.py [--small 1000] [--big 100000] [--requests 40]``

It creates a throwaway database ``batchivo_bench_<id>`` (superuser ``BENCH_PG``, default
``postgres@127.0.0.1:5432``), bootstraps the inventory schema and roles (suffix ``_b<id>``, ``pg_trgm``,
``unaccent``), migrates, and seeds two tenants with set-based SQL: 17 filament types each (the brands,
colours and materials of the search tests), then ``--small`` and ``--big`` spools in one ``INSERT ... SELECT
generate_series`` per tenant (the triggers build every search document as in production), spread over six
locations, five suppliers and six lots, then ``VACUUM (ANALYZE)``. For every query it sends ``--requests``
requests per tenant after a warm-up, alternating the tenants, and prints the median (p50) and p90 per
tenant and the ratio big / small. Goal: every search ratio within 2 (rows marked "(ref.)" are for
comparison). Everything it created is removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
from batchivo_common.auth.tokens import Role, SigningKey, StaticKeySource, TokenIssuer
from batchivo_common.db.bootstrap import bootstrap_service, drop_service_roles
from batchivo_common.db.roles import ServiceRoles

ROOT = Path(__file__).resolve().parent.parent

TYPES = (
    ("Prusament", "Galaxy Black", "PLA", None),
    ("Prusament", "Galaxy Black", "PETG", None),
    ("Prusament", "Jet Black", "PLA", None),
    ("Prusament", "Signal White", "PLA", None),
    ("Prusament", "Lipstick Red", "PETG", None),
    ("Prusament", "Prusa Orange", "ASA", None),
    ("Polymaker", "Fire Red", "PLA", "Matte"),
    ("Polymaker", "Jet Black", "ASA", None),
    ("Polymaker", "Signal White", "PETG", None),
    ("eSun", "Fire Red", "PETG", None),
    ("eSun", "Cold White", "PLA", "Silk"),
    ("eSun", "Bright Red", "TPU", None),
    ("Bambu", "Red", "PLA", None),
    ("Bambu", "Black", "PETG", None),
    ("Bambu", "Jade White", "PLA", "Silk"),
    ("Sunlu", "Grey", "TPU", None),
    ("Fiberlogy", "Clear", "PC", None),
)
LOCATIONS = ("Shelf A", "Shelf B", "Shelf C", "Drybox 1", "Drybox 2", "Cabinet")
SUPPLIERS = ("Amazon", "Prusa Store", "3DJake", "Filament Outlet", "Bambu Store")
LOTS = ("LOT-2024-0117", "PM23-4471", "E2405B", "BL-88120", "LOT-2025-0042", "")

#: label, query string (q plus any other parameters). Rows marked "(ref.)" are printed for comparison and
#: are not held to the goal: the plain list, and a sort by a column without an index, which reads every
#: match (with or without q) — docs/adr/0014-spool-search.md.
QUERIES = (
    ("list, no q (ref.)", {}),
    ("red pla", {"q": "red pla"}),
    ("galaxy black petg", {"q": "galaxy black petg"}),
    ("Prusa (prefix)", {"q": "Prusa"}),
    ("FIL-01 (code prefix)", {"q": "FIL-01"}),
    ("12 (number)", {"q": "12"}),
    ("glaxy (typo)", {"q": "glaxy"}),
    ("prusamnet (typo)", {"q": "prusamnet"}),
    ("pla (40 % of spools)", {"q": "pla"}),
    ("drybox 2", {"q": "drybox 2"}),
    ("3djake (supplier)", {"q": "3djake"}),
    ("LOT-2024-0117", {"q": "LOT-2024-0117"}),
    ("unicorn (no match)", {"q": "unicorn"}),
    ("pla, sort=code", {"q": "pla", "sort": "code"}),
    ("black, sort=-current_weight (ref.)", {"q": "black", "sort": "-current_weight"}),
    ("no q, sort=-current_weight (ref.)", {"sort": "-current_weight"}),
)


def seed_sql(schema: str) -> str:
    """Spools for tenant $1: $2 of them, codes FIL-001..., spread over its filament types (by name order)."""
    return f"""
    WITH types AS (
        SELECT id, row_number() OVER (ORDER BY brand, color_name, id) - 1 AS n, count(*) OVER () AS k
          FROM {schema}.filament_types WHERE tenant_id = $1
    )
    INSERT INTO {schema}.spools (id, tenant_id, code, filament_type_id, initial_weight, current_weight,
                                 supplier, location, lot_number, is_archived, low_stock_threshold_pct)
    SELECT gen_random_uuid(), $1, 'FIL-' || lpad(g::text, greatest(3, length(g::text)), '0'), t.id,
           1000, 1000 - (g % 997),
           (ARRAY{list(SUPPLIERS)!r})[1 + (g / 7) % {len(SUPPLIERS)}],
           (ARRAY{list(LOCATIONS)!r})[1 + (g / 3) % {len(LOCATIONS)}],
           nullif((ARRAY{list(LOTS)!r})[1 + (g / 11) % {len(LOTS)}], ''),
           false, 20
      FROM generate_series(1, $2) AS g JOIN types t ON t.n = g % t.k
    """


async def seed(admin: asyncpg.Connection, tenant: uuid.UUID, spools: int) -> None:
    rows = await admin.fetch("select code, id from inventory.material_types")
    materials = {r["code"]: r["id"] for r in rows}
    for brand, color, material, finish in TYPES:
        await admin.execute(
            "insert into inventory.filament_types (id, tenant_id, material_type_id, brand, color_name,"
            " finish, min_stock_grams) values (gen_random_uuid(), $1, $2, $3, $4, $5, 0)",
            tenant,
            materials[material],
            brand,
            color,
            finish,
        )
    started = time.perf_counter()
    await admin.execute(seed_sql("inventory"), tenant, spools)
    await admin.execute(
        "insert into inventory.spool_code_counters (tenant_id, next_value) values ($1, $2)",
        tenant,
        spools + 1,
    )
    took = time.perf_counter() - started
    print(f"seeded {spools:,} spools in {took:.1f} s (triggers included)", flush=True)


async def measure(client: httpx.AsyncClient, headers: dict[str, str], params: dict[str, str]) -> float:
    started = time.perf_counter()
    response = await client.get("/api/v1/spools", params={"limit": "50", **params}, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed


async def run(args: argparse.Namespace) -> int:
    run_id = secrets.token_hex(4)
    pg = os.environ.get("BENCH_PG", "postgres@127.0.0.1:5432")
    database = f"batchivo_bench_{run_id}"
    roles = ServiceRoles("inventory", f"_b{run_id}")
    server = await asyncpg.connect(f"postgresql://{pg}/postgres")
    await server.execute(f'CREATE DATABASE "{database}"')
    admin = await asyncpg.connect(f"postgresql://{pg}/{database}")
    host = pg.split("@", 1)[1]
    try:
        await bootstrap_service(admin, roles)
        env = {
            **os.environ,
            "BATCHIVO_ENV": "test",
            "BATCHIVO_DB_ROLE_SUFFIX": roles.suffix,
            "INVENTORY_DATABASE_URL": f"postgresql+asyncpg://{roles.app}@{host}/{database}",
            "INVENTORY_OWNER_DATABASE_URL": f"postgresql+asyncpg://{roles.owner}@{host}/{database}",
            "INVENTORY_RELAY_DATABASE_URL": f"postgresql+asyncpg://{roles.relay}@{host}/{database}",
            "BATCHIVO_REDIS_PREFIX": f"batchivo-bench:{run_id}:",
        }
        subprocess.run(
            [sys.executable, "-m", "alembic", "-c", "services/inventory/alembic.ini", "upgrade", "head"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        small, big = uuid.uuid4(), uuid.uuid4()
        await seed(admin, small, args.small)
        await seed(admin, big, args.big)
        await admin.execute("VACUUM (ANALYZE)")
        os.environ.update(env)

        from batchivo_inventory.main import create_app
        from batchivo_inventory.settings import InventorySettings

        key = SigningKey.generate()
        settings = InventorySettings(jwt_issuer="bench", jwt_audience="bench")
        issuer = TokenIssuer(key, "bench", "bench")
        app = create_app(settings, key_source=StaticKeySource.of(key), configure_process=False)
        tenants = {
            "small": {"Authorization": f"Bearer {issuer.issue(uuid.uuid4(), small, Role.viewer)[0]}"},
            "big": {"Authorization": f"Bearer {issuer.issue(uuid.uuid4(), big, Role.viewer)[0]}"},
        }
        failed = False
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://inventory") as client,
        ):
            print(f"\n{args.small:,} vs {args.big:,} spools per tenant, {args.requests} requests each")
            print(f"{'query':34} {'matches small/big':>20}  p50 small   p50 big  p90 big  ratio")
            for label, params in QUERIES:
                totals = {}
                for name, headers in tenants.items():
                    response = await client.get("/api/v1/spools", params=params, headers=headers)
                    page = response.json()
                    totals[name] = f"{page['total']}{'+' if page.get('total_is_lower_bound') else ''}"
                    for _ in range(5):
                        await measure(client, headers, params)
                times: dict[str, list[float]] = {"small": [], "big": []}
                for _ in range(args.requests):
                    for name, headers in tenants.items():
                        times[name].append(await measure(client, headers, params))
                p50 = {name: statistics.median(values) for name, values in times.items()}
                p90 = statistics.quantiles(times["big"], n=10)[-1]
                ratio = p50["big"] / p50["small"]
                failed |= ratio > 2 and "(ref.)" not in label
                matches = f"{totals['small']}/{totals['big']}"
                line = f"{label:34} {matches:>20} {p50['small']:8.2f}ms {p50['big']:7.2f}ms {p90:6.2f}ms"
                print(f"{line} {ratio:6.2f}{'  > 2' if ratio > 2 else ''}", flush=True)
        print("\nsearch ratios (rows without (ref.)) within 2: " + ("FAIL" if failed else "OK"))
        return 1 if failed else 0
    finally:
        await admin.close()
        await server.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await drop_service_roles(server, roles)
        await server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
