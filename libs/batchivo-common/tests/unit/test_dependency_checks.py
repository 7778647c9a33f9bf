"""The route checks every service's tests run (``batchivo_common.testing.dependencies``) find what they
look for."""

from __future__ import annotations

from batchivo_common.db.driver import DriverReadDep
from batchivo_common.db.session import ReadSessionDep, SessionDep
from batchivo_common.testing.dependencies import routes_taking_two_connections, sync_dependencies
from fastapi import APIRouter, Depends, FastAPI


def _app() -> FastAPI:
    app, router = FastAPI(), APIRouter(prefix="/things")

    def blocking() -> int:
        return 1

    async def service(session: SessionDep) -> object:
        return session

    @router.get("/one")
    async def one(connection: DriverReadDep) -> None: ...

    @router.get("/two")
    async def two(connection: DriverReadDep, thing: object = Depends(service)) -> None: ...

    @router.get("/session")
    async def session_only(session: ReadSessionDep, n: int = Depends(blocking)) -> None: ...

    app.include_router(router, prefix="/api/v1")
    return app


def test_a_route_with_a_session_and_the_drivers_connection_is_found() -> None:
    assert routes_taking_two_connections(_app()) == ["/things/two"]


def test_a_plain_def_dependency_is_found() -> None:
    found = sync_dependencies(_app())
    assert [paths for name, paths in found.items() if name.endswith("blocking")] == [{"/things/session"}]
