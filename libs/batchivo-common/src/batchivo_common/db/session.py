"""One transaction per request, committed before the response is sent (``SessionDep``), or for a route
that only reads, ended after it (``ReadSessionDep``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import nullcontext
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_common.db.checkout import CheckoutGate
from batchivo_common.db.tenancy import generic_plans


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    # The tenant ContextVar is set by the principal dependency, which FastAPI resolves first when the
    # route depends on both (see deps in each service); the transaction begins lazily at the first query.
    # Requests take the pool's connections in the order they asked (db.checkout), when the app has a gate.
    gate: CheckoutGate | None = getattr(request.app.state, "checkout_gate", None)
    async with (
        gate.slot() if gate is not None else nullcontext(),
        request.app.state.sessionmaker() as session,
        session.begin(),
    ):
        yield session


#: ``scope="function"``: the dependency's exit (the commit) runs before the response is sent, so a
#: client never sees 201 for a row that then failed to commit.
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]

#: For a route that only reads: ``scope="request"`` ends the transaction after the response is sent, so
#: the COMMIT's round trip is not part of the request's latency (a list page saves one of its round trips).
#: Nothing committed can be lost this way only because nothing is written: a route that writes, or calls
#: anything that might, takes ``SessionDep``.
ReadSessionDep = Annotated[AsyncSession, Depends(_request_session, scope="request")]


async def _generic_plans() -> None:
    generic_plans.set(True)


#: A route dependency: the request's transaction lets PostgreSQL reuse generic plans (``tenancy.
#: generic_plans``), set before the transaction begins (it begins at the first query). For the hot requests
#: that touch a few rows by key (one spool's read, use, weighing, create): planning each of their
#: statements under RLS cost more PostgreSQL CPU than running it (bench/README.md, issue 14).
GenericPlans = Depends(_generic_plans)
