from batchivo_common.db.migrations import run_migrations
from batchivo_production.db import metadata
from batchivo_production.settings import ProductionSettings

run_migrations(ProductionSettings(), metadata)
