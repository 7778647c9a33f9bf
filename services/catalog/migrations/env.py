from batchivo_catalog.db import metadata
from batchivo_catalog.settings import CatalogSettings
from batchivo_common.db.migrations import run_migrations

run_migrations(CatalogSettings(), metadata)
