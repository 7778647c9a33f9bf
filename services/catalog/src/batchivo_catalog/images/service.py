"""Use cases of product images: upload (checked and re-encoded before anything is stored), list, update
(alt text, primary), reorder, delete, and reading the stored bytes.

Order of an upload: the product is locked and the per-product maximum checked, the bytes are checked and
re-encoded (in a worker thread), the row is inserted and flushed, and only then are the image and its
thumbnail written to storage; a refusal at any step before leaves nothing stored. A storage failure
rolls the transaction back and removes what was written. A delete removes the objects after the commit
(``removed_keys`` is handed to a background task), so a failed commit never leaves a row without bytes.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from batchivo_common.auth.tokens import Principal
from batchivo_common.errors import AppError, Conflict, NotFound, Unavailable
from batchivo_common.storage import ObjectNotFound, Storage, StorageError
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_catalog.images import rules
from batchivo_catalog.images.models import ProductImage
from batchivo_catalog.images.repository import ImageRepository

log = logging.getLogger(__name__)


class InvalidOrder(AppError):
    status_code, code = 422, "VALIDATION_ERROR"


class ImageRefusedError(AppError):
    """An upload refused by :mod:`rules` (415, 413 or 422)."""

    def __init__(self, refused: rules.ImageRefused):
        super().__init__(refused.detail, code=refused.code)
        self.status_code = refused.status


def image_key(tenant_id: uuid.UUID, product_id: uuid.UUID, image_id: uuid.UUID, extension: str) -> str:
    return f"{tenant_id}/products/{product_id}/{image_id}.{extension}"


def etag(image: ProductImage, thumbnail: bool = False) -> str:
    """The quoted ETag of an image's bytes (its SHA-256), or of its thumbnail (made from those bytes)."""
    return f'"{image.sha256}-thumb"' if thumbnail else f'"{image.sha256}"'


class ImageService:
    def __init__(self, session: AsyncSession, storage: Storage):
        self.session = session
        self.storage = storage
        self.repo = ImageRepository(session)

    async def _require_product(self, principal: Principal, product_id: uuid.UUID, *, lock: bool) -> None:
        if lock:
            found = await self.repo.lock_product(principal.tenant_id, product_id)
        else:
            found = await self.repo.product_exists(principal.tenant_id, product_id)
        if not found:
            raise NotFound("Product not found")

    async def images(self, principal: Principal, product_id: uuid.UUID) -> list[ProductImage]:
        await self._require_product(principal, product_id, lock=False)
        return await self.repo.for_product(principal.tenant_id, product_id)

    async def get(self, principal: Principal, product_id: uuid.UUID, image_id: uuid.UUID) -> ProductImage:
        image = await self.repo.get(principal.tenant_id, product_id, image_id)
        if image is None:
            raise NotFound("Image not found")
        return image

    async def upload(
        self,
        principal: Principal,
        product_id: uuid.UUID,
        data: bytes,
        *,
        filename: str | None,
        alt_text: str | None,
    ) -> ProductImage:
        try:
            rules.check_size(len(data))  # before any query: an empty or oversized file is refused outright
        except rules.ImageRefused as refused:
            raise ImageRefusedError(refused) from None
        await self._require_product(principal, product_id, lock=True)
        count = await self.repo.count(principal.tenant_id, product_id)
        if count >= rules.MAX_IMAGES_PER_PRODUCT:
            raise Conflict(
                f"A product may have at most {rules.MAX_IMAGES_PER_PRODUCT} images; delete one first",
                code="TOO_MANY_IMAGES",
            )
        try:
            processed = await asyncio.to_thread(rules.process, data)
        except rules.ImageRefused as refused:
            raise ImageRefusedError(refused) from None

        image_id = uuid.uuid4()
        key = image_key(principal.tenant_id, product_id, image_id, processed.extension)
        thumb_key = image_key(principal.tenant_id, product_id, image_id, "thumb.webp")
        image = ProductImage(
            id=image_id,
            tenant_id=principal.tenant_id,
            product_id=product_id,
            storage_key=key,
            thumbnail_key=thumb_key,
            content_type=processed.content_type,
            width=processed.width,
            height=processed.height,
            size_bytes=len(processed.data),
            sha256=processed.sha256,
            thumbnail_size_bytes=len(processed.thumbnail),
            original_filename=_clean_filename(filename),
            alt_text=alt_text or None,
            position=count,
            is_primary=count == 0,
        )
        self.session.add(image)
        await self.session.flush()
        written: list[str] = []
        try:
            await self.storage.put(key, processed.data, processed.content_type)
            written.append(key)
            await self.storage.put(thumb_key, processed.thumbnail, rules.THUMBNAIL_TYPE)
        except StorageError as exc:
            log.error("image storage failed", extra={"key": key, "error": str(exc)})
            await self.remove_objects(written)
            raise Unavailable("The image storage is not available; try again later") from None
        await self.session.refresh(image)
        return image

    async def update(
        self,
        principal: Principal,
        product_id: uuid.UUID,
        image_id: uuid.UUID,
        changes: dict[str, object],
    ) -> ProductImage:
        await self._require_product(principal, product_id, lock=True)
        image = await self.get(principal, product_id, image_id)
        if "alt_text" in changes:
            alt_text = changes["alt_text"]
            image.alt_text = str(alt_text) if alt_text else None
        if changes.get("is_primary") and not image.is_primary:
            await self.repo.clear_primary(product_id)
            image.is_primary = True
        image.updated_at = func.now()
        await self.session.flush()
        await self.session.refresh(image)
        return image

    async def reorder(
        self, principal: Principal, product_id: uuid.UUID, image_ids: list[uuid.UUID]
    ) -> list[ProductImage]:
        await self._require_product(principal, product_id, lock=True)
        images = await self.repo.for_product(principal.tenant_id, product_id)
        order = rules.reordered([str(i.id) for i in images], [str(i) for i in image_ids])
        if order is None:
            raise InvalidOrder("image_ids must name every image of the product exactly once")
        by_id = {str(i.id): i for i in images}
        for position, image_id in enumerate(order):
            image = by_id[image_id]
            if image.position != position:
                image.position = position
                image.updated_at = func.now()
        await self.session.flush()  # the unique (product, position) is checked at commit
        for image in images:
            await self.session.refresh(image)  # updated_at was set by the database
        return sorted(images, key=lambda i: i.position)

    async def delete(self, principal: Principal, product_id: uuid.UUID, image_id: uuid.UUID) -> list[str]:
        """Delete the row (the next image becomes primary if this one was; positions close up) and
        return the storage keys to remove once the transaction has committed."""
        await self._require_product(principal, product_id, lock=True)
        images = await self.repo.for_product(principal.tenant_id, product_id)
        image = next((i for i in images if i.id == image_id), None)
        if image is None:
            raise NotFound("Image not found")
        promoted = (
            rules.next_primary([str(i.id) for i in images], str(image.id)) if image.is_primary else None
        )
        await self.session.delete(image)
        await self.session.flush()  # first: at most one primary per product, checked immediately
        for position, other in enumerate(i for i in images if i.id != image_id):
            promote = str(other.id) == promoted
            if other.position != position or promote:
                other.position = position
                other.is_primary = other.is_primary or promote
                other.updated_at = func.now()
        await self.session.flush()
        return [image.storage_key, image.thumbnail_key]

    async def keys_of_product(self, principal: Principal, product_id: uuid.UUID) -> list[str]:
        """The storage keys of a product's images, read under the product's lock (no upload can slip in
        before the product's deletion in the same transaction)."""
        await self._require_product(principal, product_id, lock=True)
        images = await self.repo.for_product(principal.tenant_id, product_id)
        return [key for image in images for key in (image.storage_key, image.thumbnail_key)]

    async def remove_objects(self, keys: list[str]) -> None:
        """Remove stored objects; a failure is logged (an orphaned object is harmless, a missing one is
        not), never raised."""
        for key in keys:
            try:
                await self.storage.delete(key)
            except StorageError as exc:
                log.warning("could not remove a stored image", extra={"key": key, "error": str(exc)})

    async def content(self, image: ProductImage, *, thumbnail: bool) -> bytes:
        key = image.thumbnail_key if thumbnail else image.storage_key
        try:
            _, data = await self.storage.get(key)
        except ObjectNotFound:
            log.error("a stored image is missing", extra={"key": key})
            raise NotFound("The image's content is missing") from None
        except StorageError:
            raise Unavailable("The image storage is not available; try again later") from None
        return data


def _clean_filename(name: str | None) -> str | None:
    """The base name the client sent, for display only (never used as a storage key)."""
    if not name:
        return None
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF)[:255]
    return cleaned or None
