"""The catalog through the gateway, with both workers on the real broker: a spool's price change in
inventory reaches the catalog's model cost through events only (the catalog has no client of any other
service); roles and tenancy through real tokens from auth."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from batchivo_catalog.events.subscriptions import SUBSCRIPTIONS as CATALOG_SUBSCRIPTIONS
from batchivo_catalog.settings import CatalogSettings
from batchivo_catalog.worker import create_worker_app as create_catalog_worker
from batchivo_common.testing.assertions import assert_error
from batchivo_common.testing.plugin import ServiceDatabase, TestInfra
from batchivo_common.testing.polling import eventually
from batchivo_common.testing.workers import running_worker
from batchivo_inventory.events.subscriptions import SUBSCRIPTIONS as INVENTORY_SUBSCRIPTIONS
from batchivo_inventory.settings import InventorySettings
from batchivo_inventory.worker import create_worker_app as create_inventory_worker

pytestmark = [pytest.mark.e2e, pytest.mark.db, pytest.mark.redis, pytest.mark.amqp, pytest.mark.timeout(120)]


async def register(gateway: httpx.AsyncClient, name: str) -> tuple[dict[str, str], str]:
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    r = await gateway.post(
        "/api/v1/auth/register",
        json={"email": email, "password": "correct horse battery", "full_name": "Owner", "tenant_name": name},
    )
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}, email


@contextlib.asynccontextmanager
async def both_workers(
    inventory_db: ServiceDatabase, catalog_db: ServiceDatabase, infra: TestInfra
) -> AsyncIterator[None]:
    """The inventory worker (its relay publishes filament-type events) and the catalog worker (consumes
    them), sharing one broker prefix as one deployment does."""
    prefix = f"{infra.amqp_prefix}{uuid.uuid4().hex[:8]}."
    inv = inventory_db.settings_overrides(infra)
    cat = catalog_db.settings_overrides(infra)

    def inventory(p: str):
        settings = InventorySettings(**{**inv, "amqp_prefix": p})
        return create_inventory_worker(settings, configure_process=False, relay_poll_seconds=0.2)

    def catalog(p: str):
        settings = CatalogSettings(**{**cat, "amqp_prefix": p})
        return create_catalog_worker(settings, configure_process=False, relay_poll_seconds=0.2)

    async with (
        running_worker(catalog, infra.amqp_url, prefix, CATALOG_SUBSCRIPTIONS),
        running_worker(inventory, infra.amqp_url, prefix, INVENTORY_SUBSCRIPTIONS),
    ):
        yield


async def test_a_spool_price_change_moves_the_models_material_cost(
    gateway: httpx.AsyncClient, inventory_db, catalog_db, batchivo_infra
) -> None:
    owner, _ = await register(gateway, "Print Shop")
    async with both_workers(inventory_db, catalog_db, batchivo_infra):
        materials = (await gateway.get("/api/v1/material-types?limit=200", headers=owner)).json()["items"]
        pla = next(m for m in materials if m["code"] == "PLA")
        filament = await gateway.post(
            "/api/v1/filament-types",
            json={"material_type_id": pla["id"], "brand": "Prusament", "color_name": "Galaxy Black"},
            headers=owner,
        )
        assert filament.status_code == 201, filament.text
        spool = await gateway.post(
            "/api/v1/spools",
            json={"filament_type_id": filament.json()["id"], "initial_weight": 1000, "purchase_price": 20},
            headers=owner,
        )
        assert spool.status_code == 201, spool.text
        model_body = {
            "sku": "MOD-001",
            "name": "Dragon",
            "materials": [{"filament_type_id": filament.json()["id"], "grams": 100}],
        }

        async def created() -> dict[str, Any] | None:
            r = await gateway.post("/api/v1/models", json=model_body, headers=owner)
            return r.json() if r.status_code == 201 else None  # 422 until the catalog has heard of the type

        model = await eventually(created)
        url = f"/api/v1/models/{model['id']}"

        async def material_cost(expected: float) -> bool:
            r = await gateway.get(url, headers=owner)
            return r.json()["cost"]["material"] == expected and r.json()["cost_is_estimate"] is False

        await eventually(lambda: material_cost(2.0))
        r = await gateway.patch(
            f"/api/v1/spools/{spool.json()['id']}", json={"purchase_price": 35}, headers=owner
        )
        assert r.status_code == 200, r.text
        await eventually(lambda: material_cost(3.5))
        product = await gateway.post(
            "/api/v1/products",
            json={"sku": "PROD-001", "name": "Box", "models": [{"model_id": model["id"]}]},
            headers=owner,
        )
        assert product.status_code == 201 and product.json()["make_cost"] == 3.5


async def test_tenancy_and_roles_through_the_gateway(gateway: httpx.AsyncClient) -> None:
    shop_a, _ = await register(gateway, "Shop A")
    shop_b, _ = await register(gateway, "Shop B")
    viewer_own, viewer_email = await register(gateway, "Viewer's own shop")
    r = await gateway.post("/api/v1/models", json={"sku": "MOD-001", "name": "Vase"}, headers=shop_a)
    assert r.status_code == 201, r.text
    url = f"/api/v1/models/{r.json()['id']}"
    assert_error(await gateway.get(url, headers=shop_b), 404, "NOT_FOUND")
    assert_error(await gateway.delete(url, headers=shop_b), 404, "NOT_FOUND")
    invited = await gateway.post(
        "/api/v1/tenant/invitations", json={"email": viewer_email, "role": "viewer"}, headers=shop_a
    )
    assert invited.status_code == 201, invited.text
    accepted = await gateway.post(
        f"/api/v1/auth/invitations/{invited.json()['id']}/accept", headers=viewer_own
    )
    assert accepted.status_code == 200, accepted.text
    tenant_a = (await gateway.get("/api/v1/auth/me", headers=shop_a)).json()["tenant"]["id"]
    login = await gateway.post(
        "/api/v1/auth/login",
        json={"email": viewer_email, "password": "correct horse battery", "tenant_id": tenant_a},
    )
    assert login.status_code == 200, login.text
    viewer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert (await gateway.get(url, headers=viewer)).status_code == 200
    assert_error(await gateway.patch(url, json={"name": "x"}, headers=viewer), 403, "FORBIDDEN")
    assert (await gateway.get("/api/v1/catalog/settings", headers=viewer)).json()["price_multiplier"] == 2.5
