"""A first-come, first-served queue in front of the connection pool.

SQLAlchemy's async pool waits on an ``asyncio.Queue``, which is not fair: a request woken for a returned
connection finds it taken when another task asked in between, and goes back to the end of the line. Under
load some requests then wait past ``pool_timeout`` (503) while later ones pass: at 32 concurrent product
lists, 50 of 819 answers were 503 with 20 connections (bench/README.md, "Fifth session").
``asyncio.Semaphore`` never lets a newcomer past a waiter, so requests take a slot here, in order, and the
pool itself never has to make anyone wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import exc as sa_exc

from batchivo_common.settings import ServiceSettings


class CheckoutGate:
    def __init__(self, slots: int, timeout: float) -> None:
        self._free = asyncio.Semaphore(slots)
        self.timeout = timeout

    @classmethod
    def of(cls, settings: ServiceSettings) -> CheckoutGate:
        """As many slots as the service's engine has connections (``service_engine``), the same wait."""
        return cls(settings.db_pool_size + settings.db_max_overflow, settings.db_pool_timeout)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the pool's connections' worth of room; the pool's own 503 after ``timeout``."""
        try:
            async with asyncio.timeout(self.timeout):
                await self._free.acquire()
        except TimeoutError:
            raise sa_exc.TimeoutError(f"no free database connection within {self.timeout:g} s") from None
        try:
            yield
        finally:
            self._free.release()
