from pathlib import Path

import pytest
from batchivo_common.errors import AppError
from batchivo_common.pagination import parse_sort
from batchivo_common.storage import LocalStorage, StorageError, StorageSettings, create_storage


async def test_local_storage_round_trip(tmp_path: Path) -> None:
    storage = create_storage(StorageSettings(local_root=tmp_path))
    await storage.put("t1/products/a.png", b"\x89PNG", "image/png")
    assert await storage.exists("t1/products/a.png")
    assert await storage.get("t1/products/a.png") == b"\x89PNG"
    await storage.delete("t1/products/a.png")
    assert not await storage.exists("t1/products/a.png")
    with pytest.raises(StorageError):
        await storage.get("t1/products/a.png")


@pytest.mark.parametrize("key", ["../escape", "/etc/passwd", "a/../../b", "", "."])
async def test_local_storage_refuses_keys_that_escape(tmp_path: Path, key: str) -> None:
    with pytest.raises(StorageError):
        await LocalStorage(tmp_path).put(key, b"x", "text/plain")


def test_parse_sort_accepts_whitelisted_fields_only() -> None:
    assert parse_sort("-created_at", ["created_at", "code"], "code") == ("created_at", True)
    assert parse_sort(None, ["created_at", "code"], "code") == ("code", False)
    with pytest.raises(AppError) as info:
        parse_sort("password_hash", ["created_at"], "created_at")
    assert info.value.status_code == 422
