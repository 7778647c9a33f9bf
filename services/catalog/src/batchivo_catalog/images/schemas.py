"""Request and response bodies of product images (the upload itself is multipart: ``file`` and an
optional ``alt_text`` field)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from batchivo_common.input_checks import unstorable_reason
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from batchivo_catalog.images.rules import MAX_IMAGES_PER_PRODUCT


def _storable(text: str) -> str:
    """Multipart fields do not pass the JSON input checks: refuse NUL and lone surrogates here."""
    if reason := unstorable_reason(text):
        raise ValueError(reason)
    return text


AltText = Annotated[str, Field(max_length=500), AfterValidator(_storable)]


class ImageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    product_id: uuid.UUID
    content_type: str
    width: int
    height: int
    size_bytes: int
    thumbnail_size_bytes: int
    #: The ETag of ``content_url`` (quoted, as in the header).
    etag: str
    original_filename: str | None
    alt_text: str | None
    position: int
    is_primary: bool
    content_url: str
    thumbnail_url: str
    created_at: datetime
    updated_at: datetime


class ImageList(BaseModel):
    """A product's images in their order (never more than the per-product maximum, so not paged)."""

    items: list[ImageRead]
    total: int


class ImageUpdate(BaseModel):
    """``alt_text``: null clears it. ``is_primary``: only ``true`` (make this the primary image; the
    previous one stops being primary). To change the primary, make another image primary."""

    model_config = ConfigDict(extra="forbid")
    alt_text: AltText | None = None
    is_primary: Literal[True] | None = None


class ImageOrder(BaseModel):
    """Every image of the product, each exactly once, in the new order."""

    model_config = ConfigDict(extra="forbid")
    image_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_IMAGES_PER_PRODUCT)
