"""Production closes the loop, through the gateway only, with every worker on the real broker: a run of
mixed parts from two weighed spools completes, inventory deducts the spools and reports back, the catalog
books the units and the actual unit cost, exactly once; revert, fail and cancel move stock back or as
waste; the inventory worker stopped during 20 completions, and the production worker's broker connection
cut during 50, still land every deduction exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from batchivo_catalog.events.subscriptions import SUBSCRIPTIONS as CATALOG_SUBSCRIPTIONS
from batchivo_catalog.settings import CatalogSettings
from batchivo_catalog.worker import create_worker_app as create_catalog_worker
from batchivo_common.messaging.topology import QueueSpec, declare_all, delete_all
from batchivo_common.testing.assertions import assert_error
from batchivo_common.testing.plugin import ServiceDatabase, TestInfra
from batchivo_common.testing.polling import eventually
from batchivo_common.testing.tcp_proxy import TcpProxy
from batchivo_inventory.events.subscriptions import SUBSCRIPTIONS as INVENTORY_SUBSCRIPTIONS
from batchivo_inventory.settings import InventorySettings
from batchivo_inventory.worker import create_worker_app as create_inventory_worker
from batchivo_production.events.subscriptions import SUBSCRIPTIONS as PRODUCTION_SUBSCRIPTIONS
from batchivo_production.settings import ProductionSettings
from batchivo_production.worker import create_worker_app as create_production_worker

pytestmark = [pytest.mark.e2e, pytest.mark.db, pytest.mark.redis, pytest.mark.amqp, pytest.mark.timeout(240)]

RUNS = "/api/v1/production-runs"
ALL_SPECS = [*INVENTORY_SUBSCRIPTIONS, *CATALOG_SUBSCRIPTIONS, *PRODUCTION_SUBSCRIPTIONS]


class Workers:
    """The three workers under one AMQP prefix; each can be stopped and started again."""

    def __init__(self, dbs: dict[str, ServiceDatabase], infra: TestInfra, amqp_proxy: TcpProxy | None = None):
        self.dbs, self.infra, self.proxy = dbs, infra, amqp_proxy
        self.prefix = f"{infra.amqp_prefix}{uuid.uuid4().hex[:8]}."
        self.stacks: dict[str, contextlib.AsyncExitStack] = {}

    def _make(self, name: str):
        overrides = self.dbs[name].settings_overrides(self.infra)

        def make(prefix: str):
            settings_overrides = {**overrides, "amqp_prefix": prefix}
            if name == "production":
                if self.proxy is not None:
                    settings_overrides["amqp_url"] = self.proxy.amqp_url(self.infra.amqp_url)
                return create_production_worker(
                    ProductionSettings(**settings_overrides), configure_process=False, relay_poll_seconds=0.2
                )
            if name == "inventory":
                return create_inventory_worker(
                    InventorySettings(**settings_overrides), configure_process=False, relay_poll_seconds=0.2
                )
            return create_catalog_worker(
                CatalogSettings(**settings_overrides), configure_process=False, relay_poll_seconds=0.2
            )

        return make

    SPECS: dict[str, list[QueueSpec]] = {
        "inventory": INVENTORY_SUBSCRIPTIONS,
        "catalog": CATALOG_SUBSCRIPTIONS,
        "production": PRODUCTION_SUBSCRIPTIONS,
    }

    async def start(self, name: str) -> None:
        """Start ``name``'s worker (its queues stay declared while it is stopped, so events queue up)."""
        app = self._make(name)(self.prefix)
        stack = contextlib.AsyncExitStack()
        await stack.enter_async_context(app.start_lifespan_context())
        probe = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://worker")
        stack.push_async_callback(probe.aclose)

        async def ready() -> bool:
            return (await probe.get("/readyz")).status_code == 200

        await eventually(ready)
        self.stacks[name] = stack

    async def stop(self, name: str) -> None:
        await self.stacks.pop(name).aclose()

    async def close(self) -> None:
        # Last started, first stopped: each worker's lifespan holds cancel scopes that must nest.
        for name in reversed(list(self.stacks)):
            await self.stacks.pop(name).aclose()
        await delete_all(
            self.infra.amqp_url, self.prefix, [s for specs in self.SPECS.values() for s in specs]
        )


@contextlib.asynccontextmanager
async def workers(
    inventory_db: ServiceDatabase,
    catalog_db: ServiceDatabase,
    production_db: ServiceDatabase,
    infra: TestInfra,
    amqp_proxy: TcpProxy | None = None,
) -> AsyncIterator[Workers]:
    w = Workers(
        {"inventory": inventory_db, "catalog": catalog_db, "production": production_db}, infra, amqp_proxy
    )
    await declare_all(infra.amqp_url, w.prefix, ALL_SPECS)
    try:
        for name in ("catalog", "production", "inventory"):
            await w.start(name)
        yield w
    finally:
        await w.close()


async def register(gateway: httpx.AsyncClient) -> dict[str, str]:
    r = await gateway.post(
        "/api/v1/auth/register",
        json={
            "email": f"{uuid.uuid4().hex[:8]}@example.com",
            "password": "correct horse battery",
            "full_name": "Owner",
            "tenant_name": "Print Shop",
        },
    )
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def ok(response: Any, status: int = 200) -> dict[str, Any]:
    r = await response
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    return body


async def setup_shop(
    gateway: httpx.AsyncClient, owner: dict[str, str], grams: float = 1000
) -> dict[str, Any]:
    """A filament type, two priced spools, a model of 40 g + 10 g (once production heard of everything),
    and a printer with both spools loaded."""
    materials = (await gateway.get("/api/v1/material-types?limit=200", headers=owner)).json()["items"]
    pla = next(m for m in materials if m["code"] == "PLA")
    types = []
    for colour in ("Red", "Blue"):
        types.append(
            await ok(
                gateway.post(
                    "/api/v1/filament-types",
                    json={"material_type_id": pla["id"], "brand": "Prusament", "color_name": colour},
                    headers=owner,
                ),
                201,
            )
        )
    spools = [
        await ok(
            gateway.post(
                "/api/v1/spools",
                json={"filament_type_id": t["id"], "initial_weight": grams, "purchase_price": grams / 50},
                headers=owner,
            ),
            201,
        )
        for t in types
    ]
    body = {
        "sku": f"MOD-{uuid.uuid4().hex[:5]}",
        "name": "Dragon",
        "materials": [
            {"filament_type_id": types[0]["id"], "grams": 40},
            {"filament_type_id": types[1]["id"], "grams": 10},
        ],
    }

    async def created() -> dict[str, Any] | None:
        r = await gateway.post("/api/v1/models", json=body, headers=owner)
        return r.json() if r.status_code == 201 else None  # 422 until the catalog heard of the types

    model = await eventually(created)

    async def known() -> bool:
        r = await gateway.get(f"/api/v1/production/defaults?model_id={model['id']}", headers=owner)
        if r.status_code != 200:
            return False
        return all(line["candidates"] for line in r.json()["materials"]) and len(r.json()["materials"]) == 2

    await eventually(known)
    printer = await ok(gateway.post("/api/v1/printers", json={"name": "MK4"}, headers=owner), 201)
    for slot, spool in enumerate(spools):
        await ok(
            gateway.post(
                f"/api/v1/printers/{printer['id']}/load",
                json={"spool_id": spool["id"], "slot": slot},
                headers=owner,
            )
        )
    return {"spools": spools, "model": model, "printer": printer}


async def weighed_run(
    gateway: httpx.AsyncClient,
    owner: dict[str, str],
    shop: dict[str, Any],
    afters: tuple[float, float],
    befores=(1000, 1000),
) -> dict[str, Any]:
    run = await ok(
        gateway.post(
            RUNS,
            json={
                "printer_id": shop["printer"]["id"],
                "items": [{"model_id": shop["model"]["id"], "quantity": 5}],
                "allow_insufficient": True,
            },
            headers=owner,
        ),
        201,
    )
    await ok(gateway.post(f"{RUNS}/{run['id']}/start", headers=owner))
    lines = {m["spool_id"]: m["id"] for m in run["materials"]}
    for spool, before, after in zip(shop["spools"], befores, afters, strict=True):
        await ok(
            gateway.patch(
                f"{RUNS}/{run['id']}/materials/{lines[spool['id']]}",
                json={"weight_before": before, "weight_after": after},
                headers=owner,
            )
        )
    return run


async def weights(gateway: httpx.AsyncClient, owner: dict[str, str], shop: dict[str, Any]) -> list[float]:
    return [
        (await gateway.get(f"/api/v1/spools/{s['id']}", headers=owner)).json()["current_weight"]
        for s in shop["spools"]
    ]


async def catalog_model(
    gateway: httpx.AsyncClient, owner: dict[str, str], shop: dict[str, Any]
) -> dict[str, Any]:
    return (await gateway.get(f"/api/v1/models/{shop['model']['id']}", headers=owner)).json()


async def test_a_completed_run_moves_stock_and_cost_across_services_exactly_once(
    gateway, inventory_db, catalog_db, production_db, batchivo_infra
) -> None:
    owner = await register(gateway)
    async with workers(inventory_db, catalog_db, production_db, batchivo_infra):
        shop = await setup_shop(gateway, owner)
        run = await weighed_run(gateway, owner, shop, (780, 945))
        headers = {**owner, "Idempotency-Key": f"complete-{run['id']}"}
        done = await ok(gateway.post(f"{RUNS}/{run['id']}/complete", headers=headers))
        again = await ok(gateway.post(f"{RUNS}/{run['id']}/complete", headers=headers))
        assert done == again  # the repeated key answers the first response
        assert_error(
            await gateway.post(f"{RUNS}/{run['id']}/complete", headers=owner), 409, "INVALID_TRANSITION"
        )
        assert_error(
            await gateway.patch(f"{RUNS}/{run['id']}", json={"status": "planned"}, headers=owner), 422
        )
        assert done["items"][0]["actual_unit_cost"] == 1.1  # 275 g x 0.02 / (5 x 50 g) x 50 g

        async def deducted() -> bool:
            return await weights(gateway, owner, shop) == [780, 945]

        await eventually(deducted, within=5)

        async def applied() -> bool:
            r = (await gateway.get(f"{RUNS}/{run['id']}", headers=owner)).json()
            return bool(r["deduction"]["status"] == "applied")

        await eventually(applied)
        for spool, grams in zip(shop["spools"], (-220, -55), strict=True):
            ledger = (await gateway.get(f"/api/v1/spools/{spool['id']}/transactions", headers=owner)).json()[
                "items"
            ]
            usage = [x for x in ledger if x["production_run_id"] == run["id"]]
            assert [(x["kind"], x["delta"]) for x in usage] == [("usage", grams)]

        async def catalog_booked() -> bool:
            m = await catalog_model(gateway, owner, shop)
            return bool(m["units_in_stock"] == 5 and m["actual_unit_cost"] == 1.1)

        await eventually(catalog_booked)

        # Revert: weights, units and cost return exactly.
        await ok(gateway.post(f"{RUNS}/{run['id']}/revert", headers=owner))

        async def returned() -> bool:
            m = await catalog_model(gateway, owner, shop)
            return await weights(gateway, owner, shop) == [1000, 1000] and m["units_in_stock"] == 0

        await eventually(returned)
        assert (await catalog_model(gateway, owner, shop))["actual_unit_cost"] is None

        # Fail books waste; cancel books the partial usage.
        await ok(
            gateway.post(
                f"{RUNS}/{run['id']}/fail",
                json={"reason": "spaghetti", "waste": [{"spool_id": shop["spools"][0]["id"], "grams": 30}]},
                headers=owner,
            )
        )
        other = await ok(
            gateway.post(
                RUNS,
                json={
                    "printer_id": shop["printer"]["id"],
                    "items": [{"model_id": shop["model"]["id"], "quantity": 1}],
                },
                headers=owner,
            ),
            201,
        )
        await ok(
            gateway.post(
                f"{RUNS}/{other['id']}/cancel",
                json={"materials": [{"spool_id": shop["spools"][1]["id"], "grams": 4}]},
                headers=owner,
            )
        )
        assert_error(
            await gateway.post(f"{RUNS}/{other['id']}/complete", headers=owner), 409, "INVALID_TRANSITION"
        )

        async def wasted() -> bool:
            return await weights(gateway, owner, shop) == [970, 996]

        await eventually(wasted)
        assert (await catalog_model(gateway, owner, shop))["units_in_stock"] == 0


async def _complete(
    gateway: httpx.AsyncClient, owner: dict[str, str], shop: dict[str, Any], n: int
) -> list[str]:
    """``n`` runs of 1 g + 1 g each, completed; returns their ids."""
    ids = []
    for _ in range(n):
        run = await weighed_run(gateway, owner, shop, (999, 999))
        await ok(gateway.post(f"{RUNS}/{run['id']}/complete", headers=owner))
        ids.append(run["id"])
    return ids


async def _usage_rows(inventory_db: ServiceDatabase) -> int:
    import asyncpg

    conn = await asyncpg.connect(inventory_db.admin_url)
    try:
        return int(
            await conn.fetchval("select count(*) from inventory.inventory_transactions where kind = 'usage'")
        )
    finally:
        await conn.close()


async def test_runs_completed_while_the_inventory_worker_is_down_land_exactly_once(
    gateway, inventory_db, catalog_db, production_db, batchivo_infra
) -> None:
    owner = await register(gateway)
    async with workers(inventory_db, catalog_db, production_db, batchivo_infra) as w:
        shop = await setup_shop(gateway, owner, grams=5000)
        await w.stop("inventory")
        ids = await _complete(gateway, owner, shop, 20)
        await asyncio.sleep(1)
        assert await weights(gateway, owner, shop) == [5000, 5000]
        await w.start("inventory")

        async def all_landed() -> bool:
            return await weights(gateway, owner, shop) == [4980, 4980]

        await eventually(all_landed, within=60)

        async def all_applied() -> bool:
            runs = (await gateway.get(f"{RUNS}?status=completed&limit=50", headers=owner)).json()["items"]
            return sum(r["deduction"]["status"] == "applied" for r in runs if r["id"] in ids) == 20

        await eventually(all_applied, within=60)
        assert await _usage_rows(inventory_db) == 40
        assert (await catalog_model(gateway, owner, shop))["units_in_stock"] == 100


async def test_cutting_the_broker_during_50_completions_loses_and_doubles_nothing(
    gateway, inventory_db, catalog_db, production_db, batchivo_infra
) -> None:
    from urllib.parse import urlsplit

    target = urlsplit(batchivo_infra.amqp_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5672)
    await proxy.start()
    owner = await register(gateway)
    try:
        async with workers(inventory_db, catalog_db, production_db, batchivo_infra, amqp_proxy=proxy):
            shop = await setup_shop(gateway, owner, grams=5000)

            async def cut_and_heal() -> None:
                await asyncio.sleep(1.0)
                await proxy.cut()
                await asyncio.sleep(4.0)
                await proxy.restore()

            chaos = asyncio.create_task(cut_and_heal())
            await _complete(gateway, owner, shop, 50)
            await chaos

            async def all_landed() -> bool:
                return await weights(gateway, owner, shop) == [4950, 4950]

            await eventually(all_landed, within=120)

            async def all_units() -> bool:
                return bool((await catalog_model(gateway, owner, shop))["units_in_stock"] == 250)

            await eventually(all_units, within=60)
            await asyncio.sleep(1)
            assert await weights(gateway, owner, shop) == [4950, 4950]
            assert await _usage_rows(inventory_db) == 100
            assert (await catalog_model(gateway, owner, shop))["units_in_stock"] == 250
    finally:
        await proxy.close()
