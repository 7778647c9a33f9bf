"""Pure checks and transformations of uploaded images (no database, no storage; unit-tested directly).

An upload is accepted only when Pillow recognises its *content* as JPEG, PNG or WebP (the file name and
the declared content type are ignored), it is at most :data:`MAX_UPLOAD_BYTES`, not empty, and decodes
to at most :data:`MAX_PIXELS` pixels (a decompression bomb is refused from its header, before decoding).
What is stored is re-encoded from the decoded pixels, so no metadata (EXIF GPS position, camera, ICC
comments) and no trailing bytes of the upload survive; the orientation tag is applied first. The
longest side is capped at :data:`MAX_SIDE`; the thumbnail is a centred square crop, at most
:data:`THUMBNAIL_SIDE` pixels a side, in WebP.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 4096
THUMBNAIL_SIDE = 400
MAX_IMAGES_PER_PRODUCT = 20

#: Pillow format name → (content type, file extension) of what is stored.
FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
THUMBNAIL_TYPE = "image/webp"


class ImageRefused(ValueError):
    """An upload that is not stored; ``status`` and ``code`` are the HTTP answer."""

    def __init__(self, status: int, code: str, detail: str):
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str
    thumbnail: bytes


def check_size(size: int) -> None:
    if size == 0:
        raise ImageRefused(422, "EMPTY_FILE", "The file is empty")
    if size > MAX_UPLOAD_BYTES:
        raise ImageRefused(
            413, "PAYLOAD_TOO_LARGE", f"An image may be at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB"
        )


def check_pixels(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise ImageRefused(422, "INVALID_IMAGE", "The image has no pixels")
    if width * height > MAX_PIXELS:
        raise ImageRefused(
            422,
            "IMAGE_TOO_LARGE",
            f"The image is {width} x {height} pixels;"
            f" at most {MAX_PIXELS // 1_000_000} megapixels are accepted",
        )


def capped_size(width: int, height: int, max_side: int = MAX_SIDE) -> tuple[int, int]:
    """``(width, height)`` scaled down so the longest side is at most ``max_side`` (never up)."""
    longest = max(width, height)
    if longest <= max_side:
        return width, height
    scale = max_side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85, method=4)
    return out.getvalue()


def _web_mode(image: Image.Image) -> Image.Image:
    """RGB or RGBA (keeps transparency), the modes every encoder here takes."""
    if image.mode in ("RGB", "RGBA", "L"):
        return image
    has_alpha = image.mode in ("LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    return image.convert("RGBA" if has_alpha else "RGB")


def thumbnail_of(image: Image.Image, side: int = THUMBNAIL_SIDE) -> bytes:
    """A centred square crop of ``image``, ``side`` pixels a side at most (a smaller image is not
    enlarged), as WebP."""
    square = min(image.width, image.height, side)
    thumb = ImageOps.fit(image, (square, square), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    thumb.save(out, "WEBP", quality=80, method=4)
    return out.getvalue()


def process(upload: bytes) -> ProcessedImage:
    """Check ``upload`` and re-encode it; :class:`ImageRefused` says why it is not accepted."""
    check_size(len(upload))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(upload), formats=list(FORMATS))
            fmt = probe.format
            check_pixels(*probe.size)  # from the header, before any pixel is decoded
            if fmt not in FORMATS:  # pragma: no cover - Image.open was limited to these formats
                raise UnidentifiedImageError(fmt)
            frame = ImageOps.exif_transpose(probe)  # loads the (first frame's) pixels
    except ImageRefused:
        raise
    except UnidentifiedImageError:
        raise ImageRefused(
            415, "UNSUPPORTED_MEDIA_TYPE", "The file is not a JPEG, PNG or WebP image"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(
            422, "IMAGE_TOO_LARGE", f"At most {MAX_PIXELS // 1_000_000} megapixels are accepted"
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise ImageRefused(422, "INVALID_IMAGE", "The image is damaged or truncated") from None

    image = _web_mode(frame)
    size = capped_size(image.width, image.height)
    if size != image.size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    data = _encode(image, fmt)
    content_type, extension = FORMATS[fmt]
    return ProcessedImage(
        data=data,
        content_type=content_type,
        extension=extension,
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(data).hexdigest(),
        thumbnail=thumbnail_of(image),
    )


def reordered(current: list[str], requested: list[str]) -> list[str] | None:
    """``requested`` when it names each of ``current`` exactly once (a new order); else None."""
    if (
        len(requested) != len(current)
        or set(requested) != set(current)
        or len(set(requested)) != len(requested)
    ):
        return None
    return requested


def next_primary(ids_in_order: list[str], removed: str) -> str | None:
    """The image that becomes primary when the primary ``removed`` goes: the first one left."""
    left = [i for i in ids_in_order if i != removed]
    return left[0] if left else None
