"""``/api/v1/products/{product_id}/images``: read for viewers, writes for members (domain.md §1).

The content and thumbnail routes answer with ``ETag`` (the SHA-256 of the stored bytes) and
``Cache-Control: private, max-age=31536000, immutable``: an image id's bytes never change (a new upload
is a new id), and only the tenant's own users may see them. ``If-None-Match`` with the current ETag gets
``304`` without touching the storage.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from batchivo_common.concurrency import ETagRoute, tagged, versioned
from fastapi import (
    APIRouter,
    BackgroundTasks,
    File,
    Form,
    Header,
    Response,
    UploadFile,
    status,
)

from batchivo_catalog.deps import Idempotent, ImageServiceDep, MemberDep, ViewerDep
from batchivo_catalog.images import rules
from batchivo_catalog.images.models import ProductImage
from batchivo_catalog.images.schemas import AltText, ImageList, ImageOrder, ImageRead, ImageUpdate
from batchivo_catalog.images.service import ImageService, etag

router = APIRouter(prefix="/products/{product_id}/images", tags=["product-images"], route_class=ETagRoute)

# An image's description (GET/PATCH of its JSON) has a version, moved on by each PATCH; its content and
# thumbnail keep their own ETag, the SHA-256 of the bytes (docs/api.md).
ImageTag = Annotated[None, tagged(ProductImage, "image_id")]
ImageIfMatch = Annotated[None, versioned(ProductImage.__table__, "image_id", bump=True)]

#: The path pattern of the upload route, for its larger body limit (``create_service_app``).
UPLOAD_PATH = r"/api/v1/products/[^/]+/images"
#: What the upload route accepts on the wire: the image plus the multipart framing and fields.
UPLOAD_BODY_LIMIT = 12 * 1024 * 1024
CACHE_CONTROL = "private, max-age=31536000, immutable"
_BINARY = {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}, "description": "The bytes"}


def to_read(image: ProductImage) -> ImageRead:
    base = f"/api/v1/products/{image.product_id}/images/{image.id}"
    return ImageRead(
        id=image.id,
        product_id=image.product_id,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size_bytes=image.size_bytes,
        thumbnail_size_bytes=image.thumbnail_size_bytes,
        etag=etag(image),
        original_filename=image.original_filename,
        alt_text=image.alt_text,
        position=image.position,
        is_primary=image.is_primary,
        content_url=f"{base}/content",
        thumbnail_url=f"{base}/thumbnail",
        created_at=image.created_at,
        updated_at=image.updated_at,
    )


@router.get("", response_model=ImageList)
async def list_images(product_id: uuid.UUID, principal: ViewerDep, service: ImageServiceDep) -> ImageList:
    images = await service.images(principal, product_id)
    return ImageList(items=[to_read(i) for i in images], total=len(images))


@router.post(
    "",
    response_model=ImageRead,
    status_code=status.HTTP_201_CREATED,
    responses={413: {"description": "Larger than 10 MiB"}, 415: {"description": "Not JPEG, PNG or WebP"}},
    dependencies=[Idempotent],
)
async def upload_image(
    product_id: uuid.UUID,
    principal: MemberDep,
    service: ImageServiceDep,
    response: Response,
    file: Annotated[UploadFile, File(description="A JPEG, PNG or WebP image, at most 10 MiB")],
    alt_text: Annotated[AltText | None, Form()] = None,
) -> ImageRead:
    """Upload an image (multipart ``file``). The first image of a product becomes its primary image."""
    data = await file.read(rules.MAX_UPLOAD_BYTES + 1)
    image = await service.upload(principal, product_id, data, filename=file.filename, alt_text=alt_text)
    response.headers["Location"] = f"/api/v1/products/{product_id}/images/{image.id}"
    return to_read(image)


@router.put("/order", response_model=ImageList)
async def reorder_images(
    product_id: uuid.UUID, body: ImageOrder, principal: MemberDep, service: ImageServiceDep
) -> ImageList:
    images = await service.reorder(principal, product_id, body.image_ids)
    return ImageList(items=[to_read(i) for i in images], total=len(images))


@router.get("/{image_id}", response_model=ImageRead)
async def get_image(
    product_id: uuid.UUID,
    image_id: uuid.UUID,
    principal: ViewerDep,
    _etag: ImageTag,
    service: ImageServiceDep,
) -> ImageRead:
    return to_read(await service.get(principal, product_id, image_id))


@router.patch("/{image_id}", response_model=ImageRead)
async def update_image(
    product_id: uuid.UUID,
    image_id: uuid.UUID,
    body: ImageUpdate,
    principal: MemberDep,
    _if_match: ImageIfMatch,
    service: ImageServiceDep,
) -> ImageRead:
    changes = body.model_dump(exclude_unset=True)
    return to_read(await service.update(principal, product_id, image_id, changes))


@router.delete("/{image_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_image(
    product_id: uuid.UUID,
    image_id: uuid.UUID,
    principal: MemberDep,
    service: ImageServiceDep,
    background: BackgroundTasks,
) -> Response:
    """Delete an image; if it was the primary one, the next image (by position) becomes primary. The
    stored bytes are removed after the deletion has committed."""
    keys = await service.delete(principal, product_id, image_id)
    background.add_task(service.remove_objects, keys)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _matches(if_none_match: str | None, current: str) -> bool:
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or current in tags


async def _serve(
    service: ImageService, image: ProductImage, if_none_match: str | None, *, thumbnail: bool
) -> Response:
    tag = etag(image, thumbnail=thumbnail)
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL}
    if _matches(if_none_match, tag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    data = await service.content(image, thumbnail=thumbnail)
    media_type = rules.THUMBNAIL_TYPE if thumbnail else image.content_type
    headers["X-Content-Type-Options"] = "nosniff"
    return Response(content=data, media_type=media_type, headers=headers)


@router.get("/{image_id}/content", response_class=Response, responses={200: _BINARY, 304: {}})
async def image_content(
    product_id: uuid.UUID,
    image_id: uuid.UUID,
    principal: ViewerDep,
    service: ImageServiceDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    image = await service.get(principal, product_id, image_id)
    return await _serve(service, image, if_none_match, thumbnail=False)


@router.get("/{image_id}/thumbnail", response_class=Response, responses={200: _BINARY, 304: {}})
async def image_thumbnail(
    product_id: uuid.UUID,
    image_id: uuid.UUID,
    principal: ViewerDep,
    service: ImageServiceDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    image = await service.get(principal, product_id, image_id)
    return await _serve(service, image, if_none_match, thumbnail=True)
