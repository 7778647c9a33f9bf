"""File storage with one interface: a local directory (default) or S3/MinIO via the ``minio`` client.

Keys are relative paths like ``<tenant_id>/products/<uuid>.webp``; callers never build filesystem paths.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path, PurePosixPath
from typing import Protocol

from pydantic import BaseModel, SecretStr


class StorageError(RuntimeError):
    pass


class Storage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...
    async def get(self, key: str) -> bytes: ...
    async def delete(self, key: str) -> None: ...
    async def exists(self, key: str) -> bool: ...


def safe_key(key: str) -> str:
    """Reject keys that could escape the storage root (``..``, absolute paths, empty parts)."""
    path = PurePosixPath(key)
    if path.is_absolute() or not path.parts or any(p in ("", ".", "..") for p in path.parts):
        raise StorageError(f"invalid storage key: {key!r}")
    return str(path)


class LocalStorage:
    def __init__(self, root: Path):
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / safe_key(key)).resolve()
        if not path.is_relative_to(self.root):
            raise StorageError(f"invalid storage key: {key!r}")
        return path

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)  # atomic: readers never see half a file

        await asyncio.to_thread(write)

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise StorageError(f"no such object: {key}") from None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)


class S3Storage:
    """S3 or MinIO; the blocking ``minio`` client runs in a worker thread."""

    def __init__(self, endpoint: str, access_key: str, secret_key: str, bucket: str, secure: bool = True):
        from minio import Minio

        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=secure)
        self.bucket = bucket

    async def ensure_bucket(self) -> None:
        def make() -> None:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket)

        await asyncio.to_thread(make)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object, self.bucket, safe_key(key), io.BytesIO(data), len(data), content_type
        )

    async def get(self, key: str) -> bytes:
        from minio.error import S3Error

        def read() -> bytes:
            response = self.client.get_object(self.bucket, safe_key(key))
            try:
                return bytes(response.read())
            finally:
                response.close()
                response.release_conn()

        try:
            return await asyncio.to_thread(read)
        except S3Error as exc:
            raise StorageError(f"no such object: {key}") from exc

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.remove_object, self.bucket, safe_key(key))

    async def exists(self, key: str) -> bool:
        from minio.error import S3Error

        try:
            await asyncio.to_thread(self.client.stat_object, self.bucket, safe_key(key))
        except S3Error:
            return False
        return True


class StorageSettings(BaseModel):
    """``backend="local"`` writes under ``local_root``; ``"s3"`` uses the S3 fields."""

    backend: str = "local"
    local_root: Path = Path("var/storage")
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = ""
    s3_secret_key: SecretStr = SecretStr("")
    s3_bucket: str = "batchivo"
    s3_secure: bool = True


def create_storage(settings: StorageSettings) -> Storage:
    if settings.backend == "local":
        return LocalStorage(settings.local_root)
    if settings.backend == "s3":
        return S3Storage(
            settings.s3_endpoint,
            settings.s3_access_key,
            settings.s3_secret_key.get_secret_value(),
            settings.s3_bucket,
            settings.s3_secure,
        )
    raise ValueError(f"unknown storage backend {settings.backend!r} (use 'local' or 's3')")
