"""The catalog schema's metadata, declarative base and outbox/inbox tables.

Tables: ``catalog_settings``, ``filament_types`` (the read model fed by inventory events), ``models``,
``model_materials``, ``model_components``, ``products``, ``product_models``, ``product_children``,
``sales_channels``, ``product_prices``, ``product_images``, ``run_contributions``, ``stock_movements``
(the append-only finished-goods ledger), ``outbox`` and ``inbox``. The migration in
``migrations/versions`` is the source of truth for RLS and grants.
"""

from __future__ import annotations

from batchivo_common.db.base import service_metadata
from batchivo_common.messaging.inbox import inbox_table
from batchivo_common.messaging.outbox import outbox_table
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "catalog"

metadata = service_metadata(SCHEMA)


class Base(DeclarativeBase):
    metadata = metadata


outbox = outbox_table(metadata)
inbox = inbox_table(metadata)


# Imported last, for their side effect: the ORM classes register their tables on ``metadata``.
import batchivo_catalog.channels.models  # noqa: E402
import batchivo_catalog.materials.models  # noqa: E402
import batchivo_catalog.models.models  # noqa: E402
import batchivo_catalog.products.models  # noqa: E402, F401
