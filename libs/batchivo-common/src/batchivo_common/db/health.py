"""Readiness check for a service's database."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import text


async def database_ready(app: FastAPI) -> None:
    async with app.state.engine.connect() as conn:
        await conn.execute(text("select 1"))
