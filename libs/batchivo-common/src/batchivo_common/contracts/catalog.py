"""Events the catalog service publishes (design.md §2.10): the production service's read model.

State events carry the aggregate's full current state; the envelope's ``aggregate_id`` and
``aggregate_version`` let a read model keep the highest version.
"""

from __future__ import annotations

import uuid

from pydantic import Field

from batchivo_common.messaging.envelope import EventPayload, register_event


class BomGrams(EventPayload):
    filament_type_id: uuid.UUID
    grams: float = Field(gt=0)


class ModelStateV1(EventPayload):
    model_id: uuid.UUID
    sku: str
    name: str
    is_active: bool
    prints_per_plate: int = Field(ge=1)
    print_time_minutes: int | None = None
    #: Grams per single item, per filament type (purge and tower excluded).
    materials: list[BomGrams]


@register_event("catalog.model.created.v1")
class ModelCreatedV1(ModelStateV1):
    pass


@register_event("catalog.model.updated.v1")
class ModelUpdatedV1(ModelStateV1):
    pass


@register_event("catalog.model.deleted.v1")
class ModelDeletedV1(ModelStateV1):
    pass


class ModelQuantity(EventPayload):
    model_id: uuid.UUID
    quantity: int = Field(ge=1)


class ProductStateV1(EventPayload):
    product_id: uuid.UUID
    sku: str
    name: str
    is_active: bool
    models: list[ModelQuantity]


@register_event("catalog.product.created.v1")
class ProductCreatedV1(ProductStateV1):
    pass


@register_event("catalog.product.updated.v1")
class ProductUpdatedV1(ProductStateV1):
    pass


@register_event("catalog.product.deleted.v1")
class ProductDeletedV1(ProductStateV1):
    pass
