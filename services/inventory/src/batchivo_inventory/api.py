"""Mounts the public feature routers under ``/api/v1``."""

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

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(materials_router)
api_router.include_router(filaments_router)
api_router.include_router(spools_router)
api_router.include_router(stock_router)
api_router.include_router(history_router)
api_router.include_router(money_router)
api_router.include_router(barcodes_router)
api_router.include_router(transfer_router)
api_router.include_router(locations_router)
api_router.include_router(spool_moves_router)

__all__ = ["api_router"]
