"""Events the auth service publishes."""

from __future__ import annotations

from pydantic import Field

from batchivo_common.messaging.envelope import EventPayload, register_event


@register_event("auth.tenant.created.v1")
class TenantCreatedV1(EventPayload):
    """A tenant exists; consumers create their per-tenant defaults. The tenant id is the envelope's."""

    name: str = Field(min_length=1)
    slug: str = Field(min_length=1)
    currency_code: str = Field(min_length=3, max_length=3)
