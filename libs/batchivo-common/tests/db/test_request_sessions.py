"""The request session dependencies: a write route's transaction is committed before its response is
sent, a read route's (``ReadSessionDep``) ends after it; either way the connection goes back to the pool."""

from __future__ import annotations

import httpx
import pytest
from batchivo_common.db.engine import create_engine, tenant_sessionmaker
from batchivo_common.db.session import ReadSessionDep, SessionDep
from batchivo_common.testing.plugin import ServiceDatabase, TestInfra, create_service_schema
from fastapi import FastAPI, Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import Receive, Scope, Send

pytestmark = pytest.mark.db


class Probe(Response):
    """Notes whether the route's transaction is still open when the response starts being sent."""

    def __init__(self, seen: dict[str, bool], name: str, session: AsyncSession) -> None:
        super().__init__(b"ok")
        self.seen, self.name, self.session = seen, name, session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.seen[self.name] = self.session.in_transaction()
        await super().__call__(scope, receive, send)


@pytest.fixture(scope="module")
async def database(batchivo_infra: TestInfra) -> ServiceDatabase:
    return await create_service_schema(batchivo_infra, "sessiontest")


async def test_read_sessions_end_after_the_response_write_sessions_before(database: ServiceDatabase) -> None:
    engine = create_engine(database.app_url, application_name="test")
    app = FastAPI()
    app.state.sessionmaker = tenant_sessionmaker(engine)
    seen: dict[str, bool] = {}

    @app.get("/read")
    async def read(session: ReadSessionDep) -> Response:
        assert (await session.scalar(text("select 1"))) == 1
        return Probe(seen, "read", session)

    @app.get("/write")
    async def write(session: SessionDep) -> Response:
        assert (await session.scalar(text("select 1"))) == 1
        return Probe(seen, "write", session)

    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        ) as client:
            assert (await client.get("/read")).status_code == 200
            assert (await client.get("/write")).status_code == 200
        assert seen == {"read": True, "write": False}
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        await engine.dispose()
