from batchivo_common.db.migrations import run_migrations
from batchivo_webhooks.db import metadata
from batchivo_webhooks.settings import WebhooksSettings

run_migrations(WebhooksSettings(), metadata)
