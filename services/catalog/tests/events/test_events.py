"""The catalog worker against the real broker: the filament-type read model (costs follow, out-of-order
and duplicate events are harmless), completed and reverted runs (actual cost, units in stock, exactly
once), and the relay publishing catalog.model.* with its state."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from batchivo_catalog.events.subscriptions import SUBSCRIPTIONS
from batchivo_catalog.settings import CatalogSettings
from batchivo_catalog.worker import create_worker_app
from batchivo_common.messaging.envelope import EventEnvelope, new_event
from batchivo_common.messaging.topology import QueueSpec
from batchivo_common.testing.polling import eventually
from batchivo_common.testing.workers import RunningWorker, running_worker

pytestmark = [pytest.mark.db, pytest.mark.amqp, pytest.mark.timeout(120)]


@contextlib.asynccontextmanager
async def worker(
    catalog_db, batchivo_infra, extra: list[QueueSpec] | None = None
) -> AsyncIterator[RunningWorker]:
    overrides = catalog_db.settings_overrides(batchivo_infra)

    def make(prefix: str):
        return create_worker_app(
            CatalogSettings(**{**overrides, "amqp_prefix": prefix}),
            configure_process=False,
            relay_poll_seconds=0.3,
        )

    prefix = f"{batchivo_infra.amqp_prefix}{uuid.uuid4().hex[:8]}."
    async with running_worker(make, batchivo_infra.amqp_url, prefix, [*SUBSCRIPTIONS, *(extra or [])]) as w:
        yield w


async def _handled(admin_conn, event: EventEnvelope) -> bool:
    return bool(
        await admin_conn.fetchval("select count(*) from catalog.inbox where event_id = $1", event.event_id)
    )


def run_event(tenant_id: uuid.UUID, kind: str, data: dict[str, Any]) -> EventEnvelope:
    return new_event(f"production.run.{kind}.v1", producer="production", tenant_id=tenant_id, data=data)


async def test_read_model_keeps_the_highest_version(
    api, client, admin_conn, catalog_db, batchivo_infra
) -> None:
    async with worker(catalog_db, batchivo_infra) as w:
        t = api.tenant()
        fid = uuid.uuid4()
        v1 = api.filament_event(t, fid, cost=0.02, version=1, event="created")
        await w.publish(v1)
        await eventually(lambda: _handled(admin_conn, v1))
        model = await api.model(t, materials=[{"filament_type_id": str(fid), "grams": 100}])
        assert model["cost"]["material"] == 2.0
        v3 = api.filament_event(t, fid, cost=0.05, version=3)
        v2 = api.filament_event(t, fid, cost=0.03, version=2)
        for event in (v3, v2, v3):  # newest first, then an older one, then a duplicate
            await w.publish(event)
        await eventually(lambda: _handled(admin_conn, v2))
        got = await client.get(f"/api/v1/models/{model['id']}", headers=t.headers())
        assert got.json()["cost"]["material"] == 5.0
        assert (
            await admin_conn.fetchval(
                "select aggregate_version from catalog.filament_types where id = $1", fid
            )
            == 3
        )
        # another tenant's event for the same id never touches this tenant's row
        other = api.tenant()
        foreign = api.filament_event(other, fid, cost=9.0, version=99)
        await w.publish(foreign)
        await eventually(lambda: _handled(admin_conn, foreign))
        got = await client.get(f"/api/v1/models/{model['id']}", headers=t.headers())
        assert got.json()["cost"]["material"] == 5.0


async def test_completed_run_raises_actual_cost_and_stock_once_and_its_revert_restores_both(
    api, client, admin_conn, catalog_db, batchivo_infra
) -> None:
    async with worker(catalog_db, batchivo_infra) as w:
        t = api.tenant()
        a, b = await api.model(t, sku="MOD-A"), await api.model(t, sku="MOD-B")
        url = f"/api/v1/models/{a['id']}"
        run1, run2 = uuid.uuid4(), uuid.uuid4()
        first = run_event(
            t.id,
            "completed",
            {
                "run_id": str(run1),
                "run_number": "RUN-1",
                "materials": [],
                "models": [{"model_id": a["id"], "successful_units": 4, "actual_unit_cost": 1.0}],
            },
        )
        await w.publish(first)
        await w.publish(first)  # the same event twice
        await eventually(lambda: _handled(admin_conn, first))
        again = run_event(  # the same run again under a new event id: also nothing
            t.id,
            "completed",
            {"run_id": str(run1), "materials": [], "models": [{"model_id": a["id"], "successful_units": 4}]},
        )
        await w.publish(again)
        await eventually(lambda: _handled(admin_conn, again))
        got = (await client.get(url, headers=t.headers())).json()
        assert (got["units_in_stock"], got["actual_unit_cost"]) == (4, 1.0)

        second = run_event(
            t.id,
            "completed",
            {
                "run_id": str(run2),
                "materials": [],
                "models": [
                    {"model_id": a["id"], "successful_units": 12, "actual_unit_cost": 2.0},
                    {"model_id": b["id"], "successful_units": 1, "actual_unit_cost": 0.5},
                ],
            },
        )
        await w.publish(second)
        await eventually(lambda: _handled(admin_conn, second))
        got = (await client.get(url, headers=t.headers())).json()
        assert (got["units_in_stock"], got["actual_unit_cost"]) == (16, 1.75)  # (4x1 + 12x2) / 16

        revert = run_event(t.id, "reverted", {"run_id": str(run2), "materials": []})
        await w.publish(revert)
        await w.publish(revert)
        await eventually(lambda: _handled(admin_conn, revert))
        got = (await client.get(url, headers=t.headers())).json()
        assert (got["units_in_stock"], got["actual_unit_cost"]) == (4, 1.0)
        got_b = (await client.get(f"/api/v1/models/{b['id']}", headers=t.headers())).json()
        assert (got_b["units_in_stock"], got_b["actual_unit_cost"]) == (0, None)
        ledger = (await client.get(f"{url}/stock-movements", headers=t.headers())).json()["items"]
        assert sorted((m["kind"], m["delta"]) for m in ledger) == [
            ("production", 4),
            ("production", 12),
            ("revert", -12),
        ]
        assert all(m["production_run_id"] in (str(run1), str(run2)) for m in ledger)


async def test_the_relay_publishes_model_state(api, client, admin_conn, catalog_db, batchivo_infra) -> None:
    tap = QueueSpec("catalogtest", "models", ("catalog.model.created.v1", "catalog.model.updated.v1"))
    async with worker(catalog_db, batchivo_infra, [tap]) as w:
        t = api.tenant()
        fid = await api.filament(t)
        model = await api.model(
            t,
            sku="MOD-9",
            prints_per_plate=4,
            print_time_minutes=90,
            materials=[{"filament_type_id": str(fid), "grams": 12.5}],
        )
        await client.patch(f"/api/v1/models/{model['id']}", json={"is_active": False}, headers=t.headers())
        queue = await w.channel.get_queue(w.names.queue(tap))
        received: list[dict[str, Any]] = []

        async def two() -> bool:
            message = await queue.get(fail=False, no_ack=True)
            if message is not None:
                received.append(EventEnvelope.model_validate_json(message.body).model_dump(mode="json"))
            return len(received) == 2

        await eventually(two)
        created, updated = received
        assert created["event_type"] == "catalog.model.created.v1" and created["aggregate_version"] == 1
        assert created["data"]["sku"] == "MOD-9" and created["data"]["prints_per_plate"] == 4
        assert created["data"]["materials"] == [{"filament_type_id": str(fid), "grams": 12.5}]
        assert updated["aggregate_version"] == 2 and updated["data"]["is_active"] is False
