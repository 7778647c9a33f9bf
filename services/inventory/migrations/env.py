from batchivo_common.db.migrations import run_migrations
from batchivo_inventory.db import metadata
from batchivo_inventory.settings import InventorySettings

run_migrations(InventorySettings(), metadata)
