"""Settings of the inventory service (env prefix ``INVENTORY_``; cross-cutting ones keep ``BATCHIVO_``)."""

from __future__ import annotations

from decimal import Decimal

from batchivo_common.settings import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class InventorySettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="INVENTORY_", env_file=".env", extra="ignore", populate_by_name=True
    )

    service_name: str = "inventory"
    db_schema: str = "inventory"

    http_host: str = "127.0.0.1"
    http_port: int = Field(8002, ge=1, le=65535)
    #: The worker's probes and metrics (``/healthz``, ``/readyz``, ``/metrics``).
    worker_http_port: int = Field(9002, ge=1, le=65535)

    #: Fewer connections than the other services (ADR 0024): its hot requests are short writes that queue
    #: on one row's lock (a shop's code counter, a used spool); 20 open transactions only queued there
    #: (p99 4-6x p50 at 32 concurrent creates or uses), 6 kept p99 under 2.5x p50 at no less throughput.
    db_pool_size: int = Field(6, ge=1)

    #: A new spool's ``low_stock_threshold_pct`` when the request gives none (domain.md §2: 20).
    default_low_stock_threshold_pct: Decimal = Field(Decimal("20"), ge=0, le=100)

    #: Imports may fetch from loopback/private addresses (a Spoolman on the shop's own network; tests).
    import_allow_private_urls: bool = False
    #: Seconds an import waits for a URL (a Spoolman instance, a SpoolmanDB file) before giving up.
    import_fetch_timeout_seconds: float = Field(15, gt=0, le=120)

    #: Spoolman-compatible ``use``: an API key's report merges into its usage row of the spool opened less
    #: than this many seconds ago (nothing else booked on the spool since); 0 books every report as its own
    #: row (services/inventory/README.md, "Spoolman compatibility").
    spoolman_coalesce_seconds: int = Field(300, ge=0, le=86_400)
