"""The image checks and transformations as plain functions (no server, no storage)."""

from __future__ import annotations

import io

import pytest
from batchivo_catalog.images import rules
from PIL import Image


def encode(image: Image.Image, fmt: str, **kwargs: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def with_gps_exif(size: tuple[int, int] = (64, 48), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS IFD: latitude
    if orientation is not None:
        exif[0x0112] = orientation
    return encode(image, "JPEG", exif=exif.tobytes())


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [("JPEG", "image/jpeg", "jpg"), ("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp")],
)
def test_each_accepted_format_keeps_its_format(fmt: str, content_type: str, extension: str) -> None:
    result = rules.process(encode(Image.new("RGB", (120, 80), "blue"), fmt))
    assert (result.content_type, result.extension, result.width, result.height) == (
        content_type,
        extension,
        120,
        80,
    )
    assert Image.open(io.BytesIO(result.data)).format == fmt


def test_re_encoding_drops_metadata_and_applies_the_orientation() -> None:
    upload = with_gps_exif((64, 48), orientation=6)  # 6: rotate 90° clockwise to display
    assert b"SpyCam" in upload
    result = rules.process(upload)
    assert b"SpyCam" not in result.data
    stored = Image.open(io.BytesIO(result.data))
    assert dict(stored.getexif()) == {}
    assert (result.width, result.height) == (48, 64) == stored.size


def test_trailing_bytes_after_the_image_do_not_survive() -> None:
    upload = encode(Image.new("RGB", (10, 10)), "PNG") + b"<?php evil(); ?>"
    assert b"evil" not in rules.process(upload).data


def test_the_longest_side_is_capped_and_the_thumbnail_is_a_square() -> None:
    result = rules.process(encode(Image.new("RGB", (5000, 2500), "green"), "JPEG"))
    assert (result.width, result.height) == (4096, 2048)
    thumb = Image.open(io.BytesIO(result.thumbnail))
    assert (thumb.format, thumb.size) == ("WEBP", (400, 400))


def test_a_small_image_is_not_enlarged() -> None:
    result = rules.process(encode(Image.new("RGB", (300, 120)), "PNG"))
    assert (result.width, result.height) == (300, 120)
    assert Image.open(io.BytesIO(result.thumbnail)).size == (120, 120)


def test_png_transparency_is_kept() -> None:
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    stored = Image.open(io.BytesIO(rules.process(encode(image, "PNG")).data))
    assert stored.mode == "RGBA" and stored.getpixel((0, 0))[3] == 0  # type: ignore[index]


def test_cmyk_and_palette_images_are_converted() -> None:
    assert rules.process(encode(Image.new("CMYK", (8, 8)), "JPEG")).content_type == "image/jpeg"
    assert rules.process(encode(Image.new("P", (8, 8)), "PNG")).content_type == "image/png"


@pytest.mark.parametrize(
    ("upload", "status", "code"),
    [
        (b"", 422, "EMPTY_FILE"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b"GIF89a" + b"\x00" * 50, 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b"\xff" * (rules.MAX_UPLOAD_BYTES + 1), 413, "PAYLOAD_TOO_LARGE"),
    ],
    ids=["empty", "pdf", "gif", "too-big"],
)
def test_refused_uploads(upload: bytes, status: int, code: str) -> None:
    with pytest.raises(rules.ImageRefused) as info:
        rules.process(upload)
    assert (info.value.status, info.value.code) == (status, code)


def test_a_truncated_image_is_refused() -> None:
    whole = encode(Image.effect_noise((200, 200), 50).convert("RGB"), "JPEG")
    with pytest.raises(rules.ImageRefused) as info:
        rules.process(whole[: len(whole) // 3])
    assert (info.value.status, info.value.code) == (422, "INVALID_IMAGE")


@pytest.mark.parametrize("size", [(8000, 6000), (20000, 20000)], ids=["48MP", "400MP-pillow-bomb"])
def test_decompression_bombs_are_refused_from_the_header(size: tuple[int, int]) -> None:
    bomb = encode(Image.new("1", size), "PNG")  # a few KiB that would decode to 48 / 400 megapixels
    assert len(bomb) < 200_000
    with pytest.raises(rules.ImageRefused) as info:
        rules.process(bomb)
    assert (info.value.status, info.value.code) == (422, "IMAGE_TOO_LARGE")


def test_check_pixels_boundary() -> None:
    rules.check_pixels(8000, 5000)  # exactly 40 MP
    with pytest.raises(rules.ImageRefused):
        rules.check_pixels(8000, 5001)


def test_capped_size() -> None:
    assert rules.capped_size(4096, 100) == (4096, 100)
    assert rules.capped_size(8192, 4096) == (4096, 2048)
    assert rules.capped_size(100, 9000) == (46, 4096)
    assert rules.capped_size(10000, 1) == (4096, 1)


def test_reordered_needs_each_image_exactly_once() -> None:
    assert rules.reordered(["a", "b", "c"], ["c", "a", "b"]) == ["c", "a", "b"]
    assert rules.reordered(["a", "b", "c"], ["a", "b"]) is None
    assert rules.reordered(["a", "b"], ["a", "a"]) is None
    assert rules.reordered(["a", "b"], ["a", "x"]) is None
    assert rules.reordered(["a", "b"], ["a", "b", "b"]) is None


def test_next_primary_is_the_first_image_left() -> None:
    assert rules.next_primary(["a", "b", "c"], "a") == "b"
    assert rules.next_primary(["a", "b", "c"], "b") == "a"
    assert rules.next_primary(["a"], "a") is None
