"""The production schema's metadata, declarative base and outbox/inbox tables.

Tables: ``printers``, ``printer_spools`` (what is loaded where), ``spools`` and ``models`` plus
``model_materials`` (read models fed by inventory and catalog events), ``run_counters``,
``production_runs``, ``run_items``, ``run_materials``, ``outbox`` and ``inbox``. The migration in
``migrations/versions`` is the source of truth for RLS and grants.
"""

from __future__ import annotations

from batchivo_common.db.base import service_metadata
from batchivo_common.messaging.inbox import inbox_table
from batchivo_common.messaging.outbox import outbox_table
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "production"

metadata = service_metadata(SCHEMA)


class Base(DeclarativeBase):
    metadata = metadata


outbox = outbox_table(metadata)
inbox = inbox_table(metadata)


# Imported last, for their side effect: the ORM classes register their tables on ``metadata``.
import batchivo_production.printers.models  # noqa: E402
import batchivo_production.readmodels.models  # noqa: E402
import batchivo_production.runs.models  # noqa: E402, F401
