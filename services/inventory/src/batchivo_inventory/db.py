"""The inventory schema's metadata, declarative base and outbox/inbox tables.

Tables: ``material_types`` (global rows with ``tenant_id`` NULL + tenant rows), ``filament_types``,
``spools``, ``spool_code_counters``, ``inventory_transactions`` (the append-only ledger), ``locations``,
``spool_events`` (moves, archive, restore), ``outbox`` and ``inbox``.
The migration in ``migrations/versions`` is the source of truth for RLS, grants and seeds.
"""

from __future__ import annotations

from batchivo_common.db.base import service_metadata
from batchivo_common.messaging.inbox import inbox_table
from batchivo_common.messaging.outbox import outbox_table
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "inventory"

metadata = service_metadata(SCHEMA)


class Base(DeclarativeBase):
    metadata = metadata


outbox = outbox_table(metadata)
inbox = inbox_table(metadata)


# Imported last, for their side effect: the ORM classes register their tables on ``metadata``.
import batchivo_inventory.barcodes.models  # noqa: E402
import batchivo_inventory.locations.models  # noqa: E402
import batchivo_inventory.materials.models  # noqa: E402
import batchivo_inventory.money.models  # noqa: E402
import batchivo_inventory.spools.models  # noqa: E402
import batchivo_inventory.transfer.models  # noqa: E402, F401
