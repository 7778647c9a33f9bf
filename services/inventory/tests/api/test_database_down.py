"""With its database down the inventory API answers a quick 503 UNAVAILABLE with Retry-After, not a 500."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from batchivo_common.auth.tokens import SigningKey, StaticKeySource
from batchivo_common.testing.asgi_server import free_port, serve
from batchivo_common.testing.assertions import assert_error
from batchivo_common.testing.plugin import TestInfra
from batchivo_inventory.main import create_app
from batchivo_inventory.settings import InventorySettings

pytestmark = pytest.mark.db


async def test_a_database_on_a_closed_port_is_a_quick_503(
    batchivo_infra: TestInfra, signing_key: SigningKey, make_token: Callable[..., str]
) -> None:
    dead = f"postgresql+asyncpg://inventory_app@127.0.0.1:{free_port()}/batchivo"
    settings = InventorySettings(
        environment="test",
        database_url=dead,
        owner_database_url=dead,
        relay_database_url=dead,
        check_db_role=False,  # the start-up check would refuse to start; the point is serving while down
        **batchivo_infra.common_overrides(),
    )
    app = create_app(settings, key_source=StaticKeySource.of(signing_key), configure_process=False)
    token = make_token()
    with serve(app) as url:
        async with httpx.AsyncClient(base_url=url, timeout=2.0) as client:
            for path in ("/api/v1/spools", "/api/v1/material-types"):
                response = await client.get(path, headers={"Authorization": f"Bearer {token}"})
                assert_error(response, 503, "UNAVAILABLE")
                assert response.headers["retry-after"]
            assert_error(await client.get("/readyz"), 503, "UNAVAILABLE")
