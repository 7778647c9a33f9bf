"""Inventory API through the gateway: list, get, create and use at 1,000 and at 100,000 spools per tenant.

Starts its own auth service, inventory service and gateway (uvicorn, one worker each) on loopback against a
throwaway database, Redis prefix and role suffix, registers ``--tenants`` tenants with ``--spools`` spools
each and one with ``--big`` spools (filament types and the first spool of each through the API, the rest
copied from that first spool in SQL, ledger rows and code counter included), then measures through the
gateway with wrk

- ``GET /api/v1/spools?limit=50&<filter>`` (median of ``--rounds`` runs, alternating the two tenants);
- ``GET /api/v1/spools/{id}`` (cycling over up to 1,000 ids of the tenant);
- ``POST /api/v1/spools``;
- ``POST /api/v1/spools/{id}/use`` (small grams, one spool),

each at concurrency 1 and 32 (requests/s, p50, p99), then checks that concurrent uses never lose an update:
``--use-requests`` calls at concurrency 32 on one fresh spool, after which its weight must be the initial
weight minus their sum (over the API) and the ledger must agree (in SQL). Goals: list p50 under 15 ms, and
within ±25% at ``--big`` spools of its value at ``--spools``. Everything it creates is removed at the end.

``--lists all`` (or a comma-separated list of case names) measures only the list instead: every filter
value, every sort both ways and a few combinations (``LIST_CASES``), at concurrency 1, with the p50 at
both sizes and their ratio (issue 14; the spool copies vary weights, dates, archiving and location rows so
that each filter and sort has work to do).

``uv run python bench/inventory_api.py`` (the issue's sizes); quick check:
``uv run python bench/inventory_api.py --tenants 3 --spools 200 --big 2000 --seconds 2 --rounds 1``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from harness import WrkStats, median_stats, stack, wrk

SCHEMA = "inventory"
LOCATIONS = tuple(f"Shelf {chr(65 + n)}" for n in range(10))  # a location filter matches 1 spool in 10
INITIAL_WEIGHT = Decimal("1000")
USE_GRAMS_TIMED = Decimal("0.01")  # per call in the timed runs: a spool lasts 100,000 calls
LIST_GOAL_MS = 15.0
LIST_RATIO_TOLERANCE = 0.25


@dataclass(frozen=True)
class ListCase:
    """One list request of the sweep (``--lists``): its query after ``limit=50&`` and the SQL condition on
    ``spools`` its ``total`` must count (None: not checked). ``{ft}`` and ``{loc}`` are the tenant's second
    filament type and Shelf C's location id."""

    name: str
    query: str
    where: str | None = "not is_archived"


_PLA = (
    f"filament_type_id in (select f.id from {SCHEMA}.filament_types f join {SCHEMA}.material_types m"
    " on m.id = f.material_type_id where upper(m.code) = 'PLA') and not is_archived"
)
_LOW = "current_weight * 100 < low_stock_threshold_pct * initial_weight"
SORT_FIELDS = ("code", "created_at", "current_weight", "remaining_pct", "location", "purchase_date")
#: Every filter value and every sort of ``GET /spools`` (both directions), then a few combinations; ``q``
#: has its own bench (inventory_search.py) and appears here only combined.
LIST_CASES = (
    ListCase("no filter (code order)", ""),
    ListCase("material=PLA", "material=PLA", _PLA),
    ListCase("filament_type_id", "filament_type_id={ft}", "filament_type_id = '{ft}' and not is_archived"),
    ListCase(
        "location=shelf c (prefix)",
        "location=shelf%20c",
        "lower(location) like 'shelf c%' and not is_archived",
    ),
    ListCase(
        "location exact",
        "location=Shelf%20C&location_match=exact",
        "lower(location) = 'shelf c' and not is_archived",
    ),
    ListCase("location_id", "location_id={loc}", "location_id = '{loc}' and not is_archived"),
    ListCase("low_stock=true", "low_stock=true", f"{_LOW} and not is_archived"),
    ListCase("low_stock=false", "low_stock=false", f"not ({_LOW}) and not is_archived"),
    ListCase("archived=true", "archived=true", "true"),
    ListCase("archived=only", "archived=only", "is_archived"),
    *(ListCase(f"sort={d}{f}", f"sort={d}{f}") for f in SORT_FIELDS for d in ("", "-")),
    ListCase("material + sort=-current_weight", "material=PLA&sort=-current_weight", _PLA),
    ListCase(
        "location_id + sort=purchase_date",
        "location_id={loc}&sort=purchase_date",
        "location_id = '{loc}' and not is_archived",
    ),
    ListCase(
        "low_stock + sort=remaining_pct", "low_stock=true&sort=remaining_pct", f"{_LOW} and not is_archived"
    ),
    ListCase("archived=only + sort=-created_at", "archived=only&sort=-created_at", "is_archived"),
    ListCase(
        "filament_type_id + sort=-location",
        "filament_type_id={ft}&sort=-location",
        "filament_type_id = '{ft}' and not is_archived",
    ),
    ListCase("q=colour + sort=-current_weight", "q=colour&sort=-current_weight", None),
    ListCase("q=colo + sort=-current_weight", "q=colo&sort=-current_weight", None),
    ListCase("q=FIL-00 + sort=code", "q=FIL-00&sort=code", None),
    ListCase("q=12 + sort=-code", "q=12&sort=-code", None),
)


def claims(token: str) -> dict[str, Any]:
    """The payload of a JWT (unverified: we only want our own tenant id back)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))  # type: ignore[no-any-return]


def sql_literal(value: object) -> str:
    """A literal for the few values spliced into the seeding SQL (uuids, our own strings, numbers)."""
    if isinstance(value, uuid.UUID):
        return f"'{value}'::uuid"
    if isinstance(value, int | Decimal):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def lua_post(path: Path, body: dict[str, Any]) -> Path:
    """A wrk script that POSTs one JSON body (wrk builds the request once and repeats it)."""
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = [[{json.dumps(body)}]]\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    return path


def lua_get_cycle(path: Path, prefix: str, ids: list[str]) -> Path:
    """A wrk script that GETs ``prefix + id`` cycling over ``ids``."""
    quoted = ",\n".join(f'"{i}"' for i in ids)
    path.write_text(
        f"local ids = {{\n{quoted}\n}}\n"
        "local n, k = #ids, 0\n"
        "request = function()\n"
        "  k = k % n + 1\n"
        f'  return wrk.format(nil, "{prefix}" .. ids[k])\n'
        "end\n"
    )
    return path


async def run(args: argparse.Namespace) -> int:
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)  # clean up on kill too
    with tempfile.TemporaryDirectory(prefix="batchivo-bench-") as scratch:
        async with stack("inventory_api") as running:
            bench = Bench(args, running.gateway, running.db, Path(scratch), running.run_id)
            return await bench.run()


# --- the benchmark -----------------------------------------------------------------------------------------


@dataclass
class Tenant:
    label: str
    size: int
    email: str
    token: str
    refresh_token: str
    id: uuid.UUID
    filament_type_ids: list[str] = field(default_factory=list)
    location_ids: dict[str, str] = field(default_factory=dict)


@dataclass
class Row:
    endpoint: str
    size: int
    concurrency: int
    stats: WrkStats


class Bench:
    def __init__(
        self, args: argparse.Namespace, gateway: str, db: asyncpg.Connection, scratch: Path, run_id: str
    ) -> None:
        self.args, self.gateway, self.db, self.scratch, self.run_id = args, gateway, db, scratch, run_id
        self.password = secrets.token_urlsafe(12)
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        self.client = httpx.AsyncClient(base_url=gateway, limits=limits, timeout=60)
        self.rows: list[Row] = []
        self.db_lock = asyncio.Lock()  # one admin connection: one statement at a time
        self.load_before = 0.0

    async def run(self) -> int:
        async with self.client:
            started = time.perf_counter()
            tenants = await self.register()
            print(f"registered {len(tenants)} tenants in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            material_id = await self.material_type_id(tenants[0])
            semaphore = asyncio.Semaphore(8)

            async def prepare(tenant: Tenant) -> None:
                async with semaphore:
                    await self.seed(tenant, material_id)

            await asyncio.gather(*(prepare(t) for t in tenants))
            await self.db.execute(
                f"VACUUM (ANALYZE) {SCHEMA}.spools, {SCHEMA}.inventory_transactions,"
                f" {SCHEMA}.filament_types, {SCHEMA}.spool_code_counters"
            )
            await self.check_seeded_ledger()
            spools = await self.db.fetchval(f"select count(*) from {SCHEMA}.spools")
            ledger = await self.db.fetchval(f"select count(*) from {SCHEMA}.inventory_transactions")
            print(
                f"seeded {spools:,} spools ({ledger:,} ledger rows) in {time.perf_counter() - started:.1f} s,"
                " vacuumed and analysed"
            )
            small, big = tenants[0], tenants[-1]
            for tenant in (small, big):
                await self.refresh(tenant)  # access tokens last 15 minutes; start the timed part afresh
            if self.args.lists:
                await self.sweep(small, big)
                return 0
            await self.measure(small, big)
            lost_update_ok = await self.lost_update_check(small)
            self.report(small, big, lost_update_ok)
            return 0 if lost_update_ok else 1

    # --- set-up through the API ------------------------------------------------------------------------

    async def register(self) -> list[Tenant]:
        semaphore = asyncio.Semaphore(4)  # bcrypt (cost 12) on 2 cores: more in flight only queues

        async def one(n: int, size: int, label: str) -> Tenant:
            email = f"bench-{self.run_id}-{n}@example.com"
            async with semaphore:
                response = await self.client.post(
                    "/api/v1/auth/register",
                    json={
                        "email": email,
                        "password": self.password,
                        "full_name": f"Bench {n}",
                        "tenant_name": f"Bench Shop {n}",
                    },
                )
            check(response, 201, 200)
            body = response.json()
            tenant_id = uuid.UUID(claims(body["access_token"])["tid"])
            return Tenant(label, size, email, body["access_token"], body["refresh_token"], tenant_id)

        jobs = [one(n, self.args.spools, f"t{n}") for n in range(self.args.tenants)]
        jobs.append(one(self.args.tenants, self.args.big, "big"))
        return list(await asyncio.gather(*jobs))

    async def refresh(self, tenant: Tenant) -> None:
        response = await self.client.post(
            "/api/v1/auth/refresh", json={"refresh_token": tenant.refresh_token}
        )
        check(response, 200)
        tenant.token, tenant.refresh_token = response.json()["access_token"], response.json()["refresh_token"]

    def headers(self, tenant: Tenant) -> dict[str, str]:
        return {"Authorization": f"Bearer {tenant.token}"}

    async def material_type_id(self, tenant: Tenant) -> str:
        response = await self.client.get(
            "/api/v1/material-types", params={"limit": 200}, headers=self.headers(tenant)
        )
        check(response, 200)
        body = response.json()
        items = body["items"] if isinstance(body, dict) else body
        for item in items:
            if str(item["code"]).upper() == "PLA":
                return str(item["id"])
        raise RuntimeError(f"no global PLA material type in {body}")

    async def create_spool(self, tenant: Tenant, **fields: Any) -> dict[str, Any]:
        body = {
            "filament_type_id": tenant.filament_type_ids[0],
            "initial_weight": float(INITIAL_WEIGHT),
            "empty_spool_weight": 250,
            "purchase_price": 20,
            "supplier": "Bench Supplies",
            "location": LOCATIONS[0],
            **fields,
        }
        response = await self.client.post("/api/v1/spools", json=body, headers=self.headers(tenant))
        check(response, 201)
        return response.json()  # type: ignore[no-any-return]

    async def seed(self, tenant: Tenant, material_id: str) -> None:
        """Filament types and the first spool through the API; the other spools copied from it in SQL."""
        for n in range(self.args.filament_types):
            response = await self.client.post(
                "/api/v1/filament-types",
                json={
                    "material_type_id": material_id,
                    "brand": "Bench",
                    "color_name": f"Colour {n}",
                    "color_hex": f"#{n * 40 % 256:02x}{n * 80 % 256:02x}{n * 120 % 256:02x}",
                    "min_stock_grams": 0,
                },
                headers=self.headers(tenant),
            )
            check(response, 201)
            tenant.filament_type_ids.append(str(response.json()["id"]))
        first = await self.create_spool(tenant)
        await self.create_locations(tenant)
        async with self.db_lock:
            await self.copy_spool(tenant, uuid.UUID(first["id"]), str(first["code"]))

    async def create_locations(self, tenant: Tenant) -> None:
        """The other ``LOCATIONS`` through the API (the first spool created LOCATIONS[0]), their ids kept
        for ``copy_spool``."""
        for name in LOCATIONS[1:]:
            response = await self.client.post(
                "/api/v1/locations", json={"name": name}, headers=self.headers(tenant)
            )
            check(response, 201)
        response = await self.client.get(
            "/api/v1/locations", params={"limit": 200}, headers=self.headers(tenant)
        )
        check(response, 200)
        tenant.location_ids = {item["name"]: str(item["id"]) for item in response.json()["items"]}

    async def check_seeded_ledger(self) -> None:
        """Every spool's weight is what its ledger says (the purchase row's grams_before, else the initial
        weight, plus the sum of its deltas), and codes are unique per tenant."""
        wrong = await self.db.fetchval(
            f"select count(*) from {SCHEMA}.spools s left join ("
            f"  select spool_id, sum(delta) as d, min(grams_before) filter (where kind = 'purchase') as b"
            f"  from {SCHEMA}.inventory_transactions group by spool_id) l on l.spool_id = s.id"
            " where s.current_weight <> coalesce(l.b, s.initial_weight) + coalesce(l.d, 0)"
        )
        if wrong:
            raise RuntimeError(f"{wrong} seeded spools disagree with their ledger")

    async def columns(self, table: str) -> list[str]:
        rows = await self.db.fetch(
            "select column_name from information_schema.columns"
            " where table_schema = $1 and table_name = $2 and is_generated = 'NEVER'"
            " and coalesce(identity_generation, '') <> 'ALWAYS' order by ordinal_position",
            SCHEMA,
            table,
        )
        return [r["column_name"] for r in rows]

    async def copy_spool(self, tenant: Tenant, template: uuid.UUID, code: str) -> None:
        """``tenant.size - 1`` more spools like ``template``: the same ledger rows each, codes continuing
        the template's (same prefix and zero padding), spread over the tenant's filament types and
        ``LOCATIONS``, created one second apart ending now; then the code counter moves on past them."""
        extra = tenant.size - 1
        if extra <= 0:
            return
        match = re.fullmatch(r"(.*?)(\d+)", code)
        if not match:
            raise RuntimeError(f"cannot continue spool code {code!r}")
        prefix, digits = match.groups()
        first, width, last = int(digits) + 1, len(digits), int(digits) + extra
        number = "g.i::text"
        filament_types = (
            "ARRAY[" + ", ".join(sql_literal(uuid.UUID(f)) for f in tenant.filament_type_ids) + "]"
        )
        locations = "ARRAY[" + ", ".join(sql_literal(x) for x in LOCATIONS) + "]"
        location_ids = (
            "ARRAY[" + ", ".join(sql_literal(uuid.UUID(tenant.location_ids[x])) for x in LOCATIONS) + "]"
        )
        born = f"now() - make_interval(secs => {last} - g.i)"
        spool_expr = {
            "id": "gen_random_uuid()",
            "code": f"{sql_literal(prefix)} || CASE WHEN length({number}) >= {width} THEN {number}"
            f" ELSE lpad({number}, {width}, '0') END",
            "filament_type_id": f"({filament_types})[1 + g.i % {len(tenant.filament_type_ids)}]",
            "location": f"({locations})[1 + g.i % {len(LOCATIONS)}]",
            "location_id": f"({location_ids})[1 + g.i % {len(LOCATIONS)}]",
            # Every filter and sort has something to do: 4-100 % left (~16 % under the 20 % low-stock
            # threshold), a purchase date over ~2.5 years (none on 1 in 10), 1 in 20 archived.
            "current_weight": "round(t.initial_weight * (4 + (g.i * 37) % 97) / 100, 2)",
            "purchase_date": "CASE WHEN g.i % 10 = 7 THEN NULL"
            " ELSE date '2024-01-01' + (g.i * 7919) % 900 END",
            "is_archived": "g.i % 20 = 3",
            "created_at": born,
            "updated_at": born,
        }
        spool_cols = await self.columns("spools")
        ledger_cols = await self.columns("inventory_transactions")
        # The copied purchase row books the copy's own weight (ledger and weight agree, as checked).
        ledger_expr = {
            "id": "gen_random_uuid()",
            "spool_id": "new.id",
            "created_at": "new.created_at",
            "delta": "new.current_weight",
            "grams_after": "new.current_weight",
        }
        sql = (
            f"WITH new AS (INSERT INTO {SCHEMA}.spools ({', '.join(spool_cols)})"
            f" SELECT {', '.join(spool_expr.get(c, f't.{c}') for c in spool_cols)}"
            f" FROM {SCHEMA}.spools t CROSS JOIN generate_series({first}, {last}) AS g(i)"
            f" WHERE t.id = {sql_literal(template)} RETURNING id, created_at, current_weight)"
            f" INSERT INTO {SCHEMA}.inventory_transactions ({', '.join(ledger_cols)})"
            f" SELECT {', '.join(ledger_expr.get(c, f'l.{c}') for c in ledger_cols)}"
            f" FROM new CROSS JOIN {SCHEMA}.inventory_transactions l"
            f" WHERE l.spool_id = {sql_literal(template)}"
        )
        async with self.db.transaction():
            await self.db.execute(sql)
            # The template is the oldest: one second before the first copy.
            older = f"now() - make_interval(secs => {extra + 1})"
            await self.db.execute(
                f"UPDATE {SCHEMA}.spools SET created_at = {older}, updated_at = {older} WHERE id = $1",
                template,
            )
            # The ledger's guard trigger refuses any change but a usage row's growth (ADR 0022); seeding
            # as the superuser, the bench backdates the template's rows with triggers off.
            await self.db.execute("SET LOCAL session_replication_role = replica")
            await self.db.execute(
                f"UPDATE {SCHEMA}.inventory_transactions SET created_at = {older} WHERE spool_id = $1",
                template,
            )
            await self.db.execute("SET LOCAL session_replication_role = DEFAULT")
            # Each spool the service creates moves the tenant's counter on by one: so do these.
            counters = await self.db.fetch(
                "select column_name from information_schema.columns where table_schema = $1"
                " and table_name = 'spool_code_counters' and data_type in ('integer', 'bigint')",
                SCHEMA,
            )
            for counter in counters:
                col = counter["column_name"]
                await self.db.execute(
                    f"UPDATE {SCHEMA}.spool_code_counters SET {col} = {col} + {extra} WHERE tenant_id = $1",
                    tenant.id,
                )

    # --- measurements ----------------------------------------------------------------------------------

    def list_path(self, tenant: Tenant) -> tuple[str, str]:
        """The filtered list request and the SQL condition it must match."""
        if self.args.filter == "filament_type_id":
            value = tenant.filament_type_ids[1 % len(tenant.filament_type_ids)]
            return f"/api/v1/spools?limit=50&filament_type_id={value}", f"filament_type_id = '{value}'"
        value = LOCATIONS[2]
        return f"/api/v1/spools?limit=50&location={value.replace(' ', '%20')}", f"location = '{value}'"

    async def check_list(self, tenant: Tenant) -> None:
        path, condition = self.list_path(tenant)
        expected = await self.db.fetchval(
            f"select count(*) from {SCHEMA}.spools where tenant_id = $1 and {condition} and not is_archived",
            tenant.id,
        )
        response = await self.client.get(path, headers=self.headers(tenant))
        check(response, 200)
        body = response.json()
        if body.get("total") != expected or len(body["items"]) != min(50, expected):
            raise RuntimeError(
                f"{path} for {tenant.label} gave total {body.get('total')} and {len(body['items'])} items;"
                f" expected total {expected}"
            )
        print(f"  {tenant.label}: {path} matches {expected:,} of {tenant.size:,} spools")

    def case_path(self, case: ListCase, tenant: Tenant) -> tuple[str, str | None]:
        values = {"ft": tenant.filament_type_ids[1 % len(tenant.filament_type_ids)]}
        values["loc"] = tenant.location_ids[LOCATIONS[2]]
        query = case.query.format(**values)
        where = case.where.format(**values) if case.where is not None else None
        return "/api/v1/spools?limit=50" + (f"&{query}" if query else ""), where

    async def check_case(self, case: ListCase, tenant: Tenant) -> str:
        """The request answers 200 with a page of the matches and a ``total`` that is their number, or a
        lower bound of it that says so; returns the matches as printed."""
        path, where = self.case_path(case, tenant)
        response = await self.client.get(path, headers=self.headers(tenant))
        check(response, 200)
        body = response.json()
        total, lower = body["total"], body.get("total_is_lower_bound", False)
        shown = f"{total:,}{'+' if lower else ''}"
        if where is None:
            return shown
        expected = await self.db.fetchval(
            f"select count(*) from {SCHEMA}.spools where tenant_id = $1 and {where}", tenant.id
        )
        right = total < expected if lower else total == expected
        if not right or len(body["items"]) != min(50, expected):
            raise RuntimeError(
                f"{path} for {tenant.label} gave total {shown} and {len(body['items'])} items;"
                f" {expected} spools match"
            )
        return shown

    async def sweep(self, small: Tenant, big: Tenant) -> None:
        """``--lists``: each list request at concurrency 1, the two tenants alternating; p50 and ratio."""
        names = self.args.lists
        cases = [c for c in LIST_CASES if names == ["all"] or c.name in names or c.query in names]
        if not cases:
            raise SystemExit(f"no list case named {names}; the cases: {[c.name for c in LIST_CASES]}")
        self.load_before = os.getloadavg()[0]
        print(
            f"\nlist sweep: {len(cases)} requests, concurrency 1, {self.args.seconds} s x {self.args.rounds}"
        )
        print(
            f"{'list request':38s} {'matches 1k':>11s} {'matches big':>12s}"
            f" {'p50 1k':>8s} {'p50 big':>8s} {'ratio':>6s}"
        )
        missed = 0
        for case in cases:
            matches = [await self.check_case(case, t) for t in (small, big)]
            runs: dict[str, list[WrkStats]] = {small.label: [], big.label: []}
            for tenant in (small, big):  # warm the plans and pools for this request
                wrk(self.gateway + self.case_path(case, tenant)[0], tenant.token, 1, 1)
            for _ in range(self.args.rounds):
                for tenant in (small, big):
                    url = self.gateway + self.case_path(case, tenant)[0]
                    runs[tenant.label].append(wrk(url, tenant.token, 1, self.args.seconds))
            a, b = median_stats(runs[small.label]), median_stats(runs[big.label])
            ratio = b.p50 / a.p50
            ok = abs(ratio - 1) <= LIST_RATIO_TOLERANCE
            missed += not ok
            errors = a.errors + b.errors
            print(
                f"{case.name:38s} {matches[0]:>11s} {matches[1]:>12s} {a.p50:8.2f} {b.p50:8.2f} {ratio:6.2f}"
                f"  {'OK' if ok else 'MISSED'}{f'  errors {errors}' if errors else ''}",
                flush=True,
            )
        print(
            f"\n{len(cases) - missed} of {len(cases)} within ±{LIST_RATIO_TOLERANCE:.0%};"
            f" 1-minute load average {self.load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
        )

    async def measure(self, small: Tenant, big: Tenant) -> None:
        seconds = self.args.seconds
        print("\nchecking responses before timing")
        use_spools: dict[str, str] = {}
        get_scripts: dict[str, Path] = {}
        for tenant in (small, big):
            await self.check_list(tenant)
            ids = await self.db.fetch(
                f"select id from {SCHEMA}.spools where tenant_id = $1 order by random() limit 1000", tenant.id
            )
            spool_ids = [str(r["id"]) for r in ids]
            check(await self.client.get(f"/api/v1/spools/{spool_ids[0]}", headers=self.headers(tenant)), 200)
            get_scripts[tenant.label] = lua_get_cycle(
                self.scratch / f"get-{tenant.label}.lua", "/api/v1/spools/", spool_ids
            )
            use_spool = await self.create_spool(tenant, location=LOCATIONS[-1])
            use_spools[tenant.label] = str(use_spool["id"])
            print(f"  {tenant.label}: the next spool created through the API is {use_spool['code']}")
            response = await self.client.post(
                f"/api/v1/spools/{use_spools[tenant.label]}/use",
                json={"grams": float(USE_GRAMS_TIMED), "reason": "bench"},
                headers=self.headers(tenant),
            )
            check(response, 200)

        print(f"\nwarming up, then timing ({seconds} s per run)")
        self.load_before = os.getloadavg()[0]  # the box is shared: say how busy it was
        for tenant in (small, big):  # pools, JWKS and token caches, plans
            wrk(self.gateway + self.list_path(tenant)[0], tenant.token, 32, 1)
            wrk(self.gateway + "/api/v1/spools/", tenant.token, 32, 1, get_scripts[tenant.label])

        list_label = "GET /spools?limit=50&" + self.args.filter
        for concurrency in (1, 32):
            runs: dict[str, list[WrkStats]] = {small.label: [], big.label: []}
            for _ in range(self.args.rounds):  # alternate so drift on a shared machine hits both alike
                for tenant in (small, big):
                    url = self.gateway + self.list_path(tenant)[0]
                    runs[tenant.label].append(wrk(url, tenant.token, concurrency, seconds))
            for tenant in (small, big):
                self.rows.append(Row(list_label, tenant.size, concurrency, median_stats(runs[tenant.label])))

        for tenant in (small, big):
            post = lua_post(
                self.scratch / f"post-{tenant.label}.lua",
                {
                    "filament_type_id": tenant.filament_type_ids[0],
                    "initial_weight": float(INITIAL_WEIGHT),
                    "location": LOCATIONS[-1],
                },
            )
            use = lua_post(
                self.scratch / f"use-{tenant.label}.lua", {"grams": float(USE_GRAMS_TIMED), "reason": "bench"}
            )
            use_url = f"{self.gateway}/api/v1/spools/{use_spools[tenant.label]}/use"
            for concurrency in (1, 32):
                get_url = self.gateway + "/api/v1/spools/"
                get = wrk(get_url, tenant.token, concurrency, seconds, get_scripts[tenant.label])
                self.rows.append(Row("GET /spools/{id}", tenant.size, concurrency, get))
                created = wrk(self.gateway + "/api/v1/spools", tenant.token, concurrency, seconds, post)
                self.rows.append(Row("POST /spools", tenant.size, concurrency, created))
                used = wrk(use_url, tenant.token, concurrency, seconds, use)
                self.rows.append(Row("POST /spools/{id}/use", tenant.size, concurrency, used))
            await self.check_timed_use(tenant, use_spools[tenant.label])

    async def ledger(self, spool_id: str) -> tuple[Decimal, Decimal, Decimal, int, Decimal]:
        """initial, current, base + Σ delta (base: the purchase row's grams_before, else the initial
        weight), number of usage rows and their Σ delta, all from SQL."""
        row = await self.db.fetchrow(
            f"select s.initial_weight, s.current_weight,"
            f" coalesce((select min(grams_before) from {SCHEMA}.inventory_transactions"
            f"   where spool_id = s.id and kind = 'purchase'), s.initial_weight)"
            f" + coalesce((select sum(delta) from {SCHEMA}.inventory_transactions where spool_id = s.id), 0)"
            f"   as booked,"
            f" (select count(*) from {SCHEMA}.inventory_transactions"
            f"   where spool_id = s.id and kind = 'usage')"
            f"   as uses,"
            f" coalesce((select sum(delta) from {SCHEMA}.inventory_transactions"
            f"   where spool_id = s.id and kind = 'usage'), 0) as used"
            f" from {SCHEMA}.spools s where s.id = $1",
            uuid.UUID(spool_id),
        )
        assert row is not None
        return row["initial_weight"], row["current_weight"], row["booked"], row["uses"], row["used"]

    async def check_timed_use(self, tenant: Tenant, spool_id: str) -> None:
        """After the timed use runs (wrk stops mid-flight, so the exact count is the ledger's)."""
        initial, current, booked, uses, used = await self.ledger(spool_id)
        ok = current == booked and current == initial + used and -used == uses * USE_GRAMS_TIMED
        served = sum(
            r.stats.requests for r in self.rows if r.endpoint.endswith("/use") and r.size == tenant.size
        )
        print(
            f"  {tenant.label}: timed use runs booked {uses:,} usages (wrk counted {served:,} + 1 check);"
            f" weight {current} = {initial} - {-used}: {'OK' if ok else 'FAIL'}"
        )
        if not ok:
            raise RuntimeError(
                f"ledger and weight disagree on spool {spool_id}: {current=} {booked=} {used=}"
            )

    async def lost_update_check(self, tenant: Tenant) -> bool:
        """``--use-requests`` uses of 0.25 g at concurrency 32 on one fresh spool; none may be lost."""
        total, grams = self.args.use_requests, Decimal("0.25")
        initial = max(INITIAL_WEIGHT, grams * total * 2)
        spool = await self.create_spool(tenant, initial_weight=float(initial), location=LOCATIONS[-1])
        remaining, failures = total, []

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                response = await self.client.post(
                    f"/api/v1/spools/{spool['id']}/use",
                    json={"grams": float(grams), "reason": "lost-update check"},
                    headers=self.headers(tenant),
                )
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text[:200]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(32)))
        elapsed = time.perf_counter() - started
        response = await self.client.get(f"/api/v1/spools/{spool['id']}", headers=self.headers(tenant))
        check(response, 200)
        api_current = Decimal(str(response.json()["current_weight"]))
        db_initial, current, booked, uses, used = await self.ledger(str(spool["id"]))
        expected = initial - grams * total
        ok = (
            not failures
            and api_current == expected
            and current == expected
            and booked == current
            and uses == total
            and -used == grams * total
            and db_initial == initial
        )
        print(
            f"\nlost-update check: {total:,} x POST /spools/{{id}}/use {grams} g at concurrency 32"
            f" ({total / elapsed:.0f} req/s, httpx): {len(failures)} failed;"
            f" API weight {api_current}, SQL weight {current}, expected {expected};"
            f" ledger {uses:,} usage rows summing {used}, initial + deltas {booked}"
        )
        for failure in failures[:5]:
            print(f"  {failure}")
        print(f"no lost update: {'OK' if ok else 'FAIL'}")
        return ok

    def report(self, small: Tenant, big: Tenant, lost_update_ok: bool) -> None:
        order = [row.endpoint for row in self.rows]
        self.rows.sort(key=lambda r: (order.index(r.endpoint), r.concurrency, r.size))
        print(
            f"\n{'endpoint':32s} {'spools':>8s} {'conc':>4s} {'req/s':>8s}"
            f" {'p50 ms':>8s} {'p99 ms':>8s}  errors"
        )
        for row in self.rows:
            s = row.stats
            print(
                f"{row.endpoint:32s} {row.size:8,d} {row.concurrency:4d} {s.rps:8.0f}"
                f" {s.p50:8.2f} {s.p99:8.2f}  {s.errors}"
            )
        lists = {(r.size, r.concurrency): r.stats for r in self.rows if r.endpoint.startswith("GET /spools?")}
        print()
        for concurrency in (1, 32):
            a, b = lists[(small.size, concurrency)], lists[(big.size, concurrency)]
            ratio = b.p50 / a.p50
            within = abs(ratio - 1) <= LIST_RATIO_TOLERANCE
            print(
                f"list p50 at concurrency {concurrency:2d}: {a.p50:.2f} ms at {small.size:,} spools,"
                f" {b.p50:.2f} ms at {big.size:,}; ratio {ratio:.2f}"
                f" (goal within ±{LIST_RATIO_TOLERANCE:.0%}: {'OK' if within else 'MISSED'});"
                f" under {LIST_GOAL_MS:.0f} ms: {'OK' if max(a.p50, b.p50) < LIST_GOAL_MS else 'MISSED'}"
            )
        errors = sum(r.stats.errors for r in self.rows)
        print(
            f"1-minute load average: {self.load_before:.2f} before timing, {os.getloadavg()[0]:.2f} after"
            f" ({os.cpu_count()} CPUs; wrk and the three services share them)"
        )
        print(f"wrk errors (non-2xx, socket): {errors}")
        print(f"no lost update: {'OK' if lost_update_ok else 'FAIL'}")


def check(response: httpx.Response, *expected: int) -> None:
    if response.status_code not in expected:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} answered {response.status_code}:"
            f" {response.text[:500]}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tenants", type=int, default=100, help="tenants with --spools spools each")
    parser.add_argument("--spools", type=int, default=1_000, help="spools per ordinary tenant")
    parser.add_argument("--big", type=int, default=100_000, help="spools of the one big tenant")
    parser.add_argument("--filament-types", type=int, default=4, help="filament types per tenant")
    parser.add_argument(
        "--filter",
        choices=("location", "filament_type_id"),
        default="location",
        help="list filter: location (1 spool in 10 matches) or filament_type_id (1 in --filament-types)",
    )
    parser.add_argument(
        "--lists",
        type=lambda v: [x.strip() for x in v.split(",") if x.strip()],
        default=None,
        help="only the list sweep at concurrency 1: 'all', or case names / queries, comma-separated",
    )
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="list runs per tenant and concurrency (median)")
    parser.add_argument("--use-requests", type=int, default=2_000, help="uses in the lost-update check")
    args = parser.parse_args()
    if args.tenants < 1 or args.spools < 1 or args.big < 1 or args.filament_types < 1:
        parser.error("--tenants, --spools, --big and --filament-types must be at least 1")
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk)")
    try:
        sys.exit(asyncio.run(run(args)))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted (everything the run created has been removed)", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
