from batchivo_auth.db import metadata
from batchivo_auth.settings import AuthSettings
from batchivo_common.db.migrations import run_migrations

run_migrations(AuthSettings(), metadata)
