"""The public feature routers, mounted under ``/api/v1`` (``batchivo_common.app.include_api``)."""

from __future__ import annotations

from fastapi import APIRouter

from batchivo_inventory.barcodes.router import router as barcodes_router
from batchivo_inventory.history.router import router as history_router
from batchivo_inventory.locations.router import locations_router, spool_moves_router
from batchivo_inventory.materials.router import filaments_router, materials_router
from batchivo_inventory.money.router import router as money_router
from batchivo_inventory.spools.router import router as spools_router
from batchivo_inventory.stock.router import router as stock_router
from batchivo_inventory.transfer.router import router as transfer_router

#: The feature routers, in the order the OpenAPI lists them (``batchivo_common.app.include_api``).
api_routers: tuple[APIRouter, ...] = (
    materials_router,
    filaments_router,
    spools_router,
    stock_router,
    history_router,
    money_router,
    barcodes_router,
    transfer_router,
    locations_router,
    spool_moves_router,
)

__all__ = ["api_routers"]
