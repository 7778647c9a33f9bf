"""Both storage backends behind one contract: the local directory, and S3 over HTTP against a real
S3-compatible server on loopback (moto, started by the ``s3_settings`` fixture)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from batchivo_common.storage import (
    InvalidKey,
    LocalStorage,
    ObjectNotFound,
    S3Storage,
    Storage,
    StorageError,
    StorageSettings,
    StoredObject,
    create_storage,
)


@pytest.fixture(params=["local", "s3"])
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        settings = StorageSettings(local_root=tmp_path / "objects")
    else:
        settings = request.getfixturevalue("s3_settings")
    store = create_storage(settings)
    await store.ensure_ready()
    return store


async def test_put_get_stat_delete_round_trip(storage: Storage) -> None:
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10
    stored = await storage.put("t1/products/p1/a.png", data, "image/png")
    expected = StoredObject("t1/products/p1/a.png", len(data), hashlib.md5(data).hexdigest(), "image/png")
    assert stored == expected
    assert await storage.stat("t1/products/p1/a.png") == expected
    assert await storage.get("t1/products/p1/a.png") == (expected, data)
    assert await storage.exists("t1/products/p1/a.png")
    assert await storage.list_keys() == ["t1/products/p1/a.png"]

    await storage.delete("t1/products/p1/a.png")
    assert not await storage.exists("t1/products/p1/a.png")
    assert await storage.list_keys() == []
    with pytest.raises(ObjectNotFound):
        await storage.get("t1/products/p1/a.png")
    with pytest.raises(ObjectNotFound):
        await storage.stat("t1/products/p1/a.png")
    await storage.delete("t1/products/p1/a.png")  # deleting what is gone is not an error


async def test_overwrite_replaces_the_bytes_and_the_etag(storage: Storage) -> None:
    first = await storage.put("k/x.webp", b"one", "image/webp")
    second = await storage.put("k/x.webp", b"second", "image/webp")
    assert first.etag != second.etag
    assert (await storage.get("k/x.webp"))[1] == b"second"
    assert (await storage.stat("k/x.webp")).size == 6


async def test_list_keys_by_prefix(storage: Storage) -> None:
    for key in ("a/1/x", "a/1/y", "a/2/z", "b/1/x"):
        await storage.put(key, b"v", "application/octet-stream")
    assert await storage.list_keys("a/1/") == ["a/1/x", "a/1/y"]
    assert await storage.list_keys("a/") == ["a/1/x", "a/1/y", "a/2/z"]
    assert len(await storage.list_keys()) == 4


@pytest.mark.parametrize(
    "key", ["../escape", "/etc/passwd", "a/../../b", "", ".", "a//b", "a/./b", "a\\b", "x.meta.json", "n\x00"]
)
async def test_keys_that_could_escape_are_refused(storage: Storage, key: str) -> None:
    with pytest.raises(InvalidKey):
        await storage.put(key, b"x", "text/plain")
    with pytest.raises(InvalidKey):
        await storage.get(key)
    with pytest.raises(InvalidKey):
        await storage.delete(key)
    assert await storage.list_keys() == []


async def test_invalid_key_and_not_found_are_storage_errors() -> None:
    assert issubclass(InvalidKey, StorageError) and issubclass(InvalidKey, ValueError)
    assert issubclass(ObjectNotFound, StorageError) and issubclass(ObjectNotFound, LookupError)


async def test_local_object_without_its_metadata_counts_as_missing(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    await store.put("t/a.png", b"abc", "image/png")
    (tmp_path / "t" / "a.png.meta.json").unlink()
    with pytest.raises(ObjectNotFound):
        await store.get("t/a.png")
    assert not await store.exists("t/a.png")


async def test_local_storage_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    await store.put("t/a.png", b"abc", "image/png")
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == ["a.png", "a.png.meta.json"]


async def test_s3_unreachable_is_a_storage_error() -> None:
    # A loopback port nobody listens on (port 1 needs root to bind; nothing serves it here).
    store = S3Storage("127.0.0.1:1", "k", "s", "bucket", secure=False, region="us-east-1")
    with pytest.raises(StorageError) as info:
        await store.put("t/a.png", b"abc", "image/png")
    assert not isinstance(info.value, ObjectNotFound)


async def test_s3_missing_bucket_is_a_storage_error(s3_settings: StorageSettings) -> None:
    store = create_storage(s3_settings.model_copy(update={"s3_bucket": "no-such-bucket-here"}))
    with pytest.raises(StorageError) as info:
        await store.put("t/a.png", b"abc", "image/png")
    assert not isinstance(info.value, ObjectNotFound)


async def test_s3_ensure_ready_creates_the_bucket(s3_settings: StorageSettings) -> None:
    store = create_storage(s3_settings.model_copy(update={"s3_bucket": "made-by-ensure-ready"}))
    await store.ensure_ready()
    await store.ensure_ready()  # again: nothing to do
    await store.put("t/a.png", b"abc", "image/png")
    assert await store.list_keys() == ["t/a.png"]


def test_settings_come_from_batchivo_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATCHIVO_STORAGE_BACKEND", "s3")
    monkeypatch.setenv("BATCHIVO_STORAGE_LOCAL_ROOT", "/srv/objects")
    monkeypatch.setenv("BATCHIVO_S3_ENDPOINT", "minio:9000")
    monkeypatch.setenv("BATCHIVO_S3_ACCESS_KEY", "batchivo")
    monkeypatch.setenv("BATCHIVO_S3_SECRET_KEY", "a-long-secret")
    monkeypatch.setenv("BATCHIVO_S3_BUCKET", "images")
    monkeypatch.setenv("BATCHIVO_S3_SECURE", "false")
    settings = StorageSettings()
    assert settings.backend == "s3"
    assert settings.local_root == Path("/srv/objects")
    assert (settings.s3_endpoint, settings.s3_bucket) == ("minio:9000", "images")
    assert settings.s3_access_key == "batchivo"
    assert settings.s3_secret_key.get_secret_value() == "a-long-secret"
    assert settings.s3_secure is False
    assert "a-long-secret" not in repr(settings)
    assert isinstance(create_storage(settings), S3Storage)


def test_local_is_the_default_and_unknown_backends_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BATCHIVO_STORAGE_BACKEND", raising=False)
    assert isinstance(create_storage(StorageSettings()), LocalStorage)
    with pytest.raises(ValueError, match="backend"):
        StorageSettings(backend="ftp")  # type: ignore[arg-type]
