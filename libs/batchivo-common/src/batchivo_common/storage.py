"""Object storage with one interface: a local directory (the default) or S3/MinIO via the ``minio`` client.

Keys are relative POSIX paths like ``<tenant_id>/products/<product_id>/<uuid>.webp``; callers never build
filesystem paths. Every backend answers the same way:

- :meth:`Storage.put` stores the bytes with their content type and returns a :class:`StoredObject`
  (key, size, ETag, content type);
- :meth:`Storage.get` returns the object's bytes and its :class:`StoredObject`; :meth:`Storage.stat`
  the description only;
- a missing object raises :class:`ObjectNotFound`, a key that could escape the root or name a
  backend's own file raises :class:`InvalidKey`, anything else the backend fails with is a plain
  :class:`StorageError` (the caller answers 503);
- :meth:`Storage.delete` of a missing object is not an error (deletes are retried).

The ETag is the hex MD5 of the bytes, as S3 computes it for a single-part upload, so both backends give
the same ETag for the same bytes. Settings come from ``BATCHIVO_STORAGE_*`` and ``BATCHIVO_S3_*``
variables (:class:`StorageSettings`).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal, Protocol

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class StorageError(RuntimeError):
    """The storage failed (unreachable, refused, misconfigured)."""


class InvalidKey(StorageError, ValueError):
    """A key that is empty, absolute, has ``.``/``..`` parts, or names a backend's own file."""


class ObjectNotFound(StorageError, LookupError):
    """No object under that key."""


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    size: int
    etag: str
    content_type: str


class Storage(Protocol):
    async def ensure_ready(self) -> None:
        """Create what the backend needs (the root directory, the bucket); safe to call again."""
        ...

    async def put(self, key: str, data: bytes, content_type: str) -> StoredObject: ...
    async def get(self, key: str) -> tuple[StoredObject, bytes]: ...
    async def stat(self, key: str) -> StoredObject: ...
    async def delete(self, key: str) -> None: ...
    async def exists(self, key: str) -> bool: ...
    async def list_keys(self, prefix: str = "") -> list[str]:
        """Every key under ``prefix`` (a key prefix, not only a folder), sorted."""
        ...


#: Suffixes of the local backend's own files beside an object (metadata, a write in progress).
_META = ".meta.json"
_TMP = ".tmp"


def safe_key(key: str) -> str:
    """``key`` when it cannot escape the storage root; else :class:`InvalidKey`."""
    if not key or "\\" in key or "\x00" in key:
        raise InvalidKey(f"invalid storage key: {key!r}")
    path = PurePosixPath(key)
    if path.is_absolute() or any(p in ("", ".", "..") for p in key.split("/")):
        raise InvalidKey(f"invalid storage key: {key!r}")
    if key.endswith((_META, _TMP)):
        raise InvalidKey(f"invalid storage key (reserved suffix): {key!r}")
    return key


def etag_of(data: bytes) -> str:
    """The ETag both backends give ``data``: its hex MD5 (not a security use)."""
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


class LocalStorage:
    """Objects as files under ``root``; each has a ``<name>.meta.json`` beside it (content type, ETag).

    Writes go to a temporary file renamed into place, the object before its metadata, so a reader never
    sees half an object; an object whose metadata is missing counts as missing."""

    def __init__(self, root: Path):
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / safe_key(key)).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise InvalidKey(f"invalid storage key: {key!r}")
        return path

    async def ensure_ready(self) -> None:
        await asyncio.to_thread(self.root.mkdir, parents=True, exist_ok=True)

    async def put(self, key: str, data: bytes, content_type: str) -> StoredObject:
        path = self._path(key)
        stored = StoredObject(key, len(data), etag_of(data), content_type)
        meta = json.dumps({"content_type": content_type, "etag": stored.etag, "size": stored.size})

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, data)
            _write_atomically(path.with_name(path.name + _META), meta.encode())

        try:
            await asyncio.to_thread(write)
        except OSError as exc:
            raise StorageError(f"cannot write {key}: {exc}") from exc
        return stored

    def _read_meta(self, key: str, path: Path) -> StoredObject:
        try:
            meta = json.loads(path.with_name(path.name + _META).read_text())
        except FileNotFoundError:
            raise ObjectNotFound(f"no such object: {key}") from None
        return StoredObject(key, int(meta["size"]), str(meta["etag"]), str(meta["content_type"]))

    async def get(self, key: str) -> tuple[StoredObject, bytes]:
        path = self._path(key)

        def read() -> tuple[StoredObject, bytes]:
            stored = self._read_meta(key, path)
            try:
                return stored, path.read_bytes()
            except FileNotFoundError:
                raise ObjectNotFound(f"no such object: {key}") from None

        return await asyncio.to_thread(read)

    async def stat(self, key: str) -> StoredObject:
        path = self._path(key)
        return await asyncio.to_thread(self._read_meta, key, path)

    async def delete(self, key: str) -> None:
        path = self._path(key)

        def remove() -> None:
            path.with_name(path.name + _META).unlink(missing_ok=True)  # first: the object is gone
            path.unlink(missing_ok=True)

        await asyncio.to_thread(remove)

    async def exists(self, key: str) -> bool:
        try:
            await self.stat(key)
        except ObjectNotFound:
            return False
        return True

    async def list_keys(self, prefix: str = "") -> list[str]:
        def walk() -> list[str]:
            if not self.root.is_dir():
                return []
            keys = []
            for path in self.root.rglob("*"):
                if path.is_file() and not path.name.endswith((_META, _TMP)):
                    key = path.relative_to(self.root).as_posix()
                    if key.startswith(prefix):
                        keys.append(key)
            return sorted(keys)

        return await asyncio.to_thread(walk)


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}{_TMP}")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


class S3Storage:
    """S3 or MinIO; the blocking ``minio`` client runs in a worker thread."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        *,
        secure: bool = True,
        region: str | None = None,
    ):
        import urllib3
        from minio import Minio

        # Fail within seconds rather than the client's default minutes of retries: a request is waiting.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=3.0, read=30.0),
            retries=urllib3.Retry(total=2, backoff_factor=0.1, status_forcelist=(500, 502, 503, 504)),
            maxsize=10,
        )
        self.client = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=http,
        )
        self.bucket = bucket

    async def _call(self, key: str, fn: Any, *args: Any) -> Any:
        """Run a client call in a thread; translate its failures into this module's errors."""
        from minio.error import MinioException, S3Error
        from urllib3.exceptions import HTTPError

        try:
            return await asyncio.to_thread(fn, *args)
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject", "ResourceNotFound"):
                raise ObjectNotFound(f"no such object: {key}") from None
            raise StorageError(f"S3 refused {key}: {exc.code}") from exc
        except (MinioException, HTTPError, OSError) as exc:
            raise StorageError(f"S3 failed on {key}: {exc}") from exc

    async def ensure_ready(self) -> None:
        def make() -> None:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket)

        await self._call(self.bucket, make)

    async def put(self, key: str, data: bytes, content_type: str) -> StoredObject:
        safe_key(key)
        await self._call(
            key, self.client.put_object, self.bucket, key, io.BytesIO(data), len(data), content_type
        )
        # The ETag is computed here, not taken from the server: S3 and MinIO give the MD5 for a
        # single-part upload, and the local backend gives the same value.
        return StoredObject(key, len(data), etag_of(data), content_type)

    async def get(self, key: str) -> tuple[StoredObject, bytes]:
        safe_key(key)

        def read() -> tuple[StoredObject, bytes]:
            response = self.client.get_object(self.bucket, key)
            try:
                data = bytes(response.read())
                content_type = response.headers.get("Content-Type", "application/octet-stream")
            finally:
                response.close()
                response.release_conn()
            return StoredObject(key, len(data), etag_of(data), content_type), data

        result: tuple[StoredObject, bytes] = await self._call(key, read)
        return result

    async def stat(self, key: str) -> StoredObject:
        safe_key(key)
        info = await self._call(key, self.client.stat_object, self.bucket, key)
        return StoredObject(
            key, int(info.size), str(info.etag).strip('"'), info.content_type or "application/octet-stream"
        )

    async def delete(self, key: str) -> None:
        safe_key(key)
        await self._call(key, self.client.remove_object, self.bucket, key)

    async def exists(self, key: str) -> bool:
        try:
            await self.stat(key)
        except ObjectNotFound:
            return False
        return True

    async def list_keys(self, prefix: str = "") -> list[str]:
        def walk() -> list[str]:
            return sorted(
                str(o.object_name) for o in self.client.list_objects(self.bucket, prefix, recursive=True)
            )

        result: list[str] = await self._call(prefix or self.bucket, walk)
        return result


def _storage(name: str) -> AliasChoices:
    return AliasChoices(f"BATCHIVO_STORAGE_{name}", f"storage_{name.lower()}", name.lower())


def _s3(name: str) -> AliasChoices:
    return AliasChoices(f"BATCHIVO_S3_{name}", f"s3_{name.lower()}")


class StorageSettings(BaseSettings):
    """``backend="local"`` (default) writes under ``local_root``; ``"s3"`` uses the ``s3_*`` fields.

    Variables: ``BATCHIVO_STORAGE_BACKEND``, ``BATCHIVO_STORAGE_LOCAL_ROOT``, ``BATCHIVO_S3_ENDPOINT``
    (``host:port``), ``BATCHIVO_S3_ACCESS_KEY``, ``BATCHIVO_S3_SECRET_KEY``, ``BATCHIVO_S3_BUCKET``,
    ``BATCHIVO_S3_SECURE`` (TLS), ``BATCHIVO_S3_REGION``."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    backend: Literal["local", "s3"] = Field("local", validation_alias=_storage("BACKEND"))
    local_root: Path = Field(Path("var/storage"), validation_alias=_storage("LOCAL_ROOT"))
    s3_endpoint: str = Field("127.0.0.1:9000", min_length=1, validation_alias=_s3("ENDPOINT"))
    s3_access_key: str = Field("", validation_alias=_s3("ACCESS_KEY"))
    s3_secret_key: SecretStr = Field(SecretStr(""), validation_alias=_s3("SECRET_KEY"))
    s3_bucket: str = Field("batchivo", min_length=3, max_length=63, validation_alias=_s3("BUCKET"))
    s3_secure: bool = Field(True, validation_alias=_s3("SECURE"))
    s3_region: str | None = Field(None, validation_alias=_s3("REGION"))


def create_storage(settings: StorageSettings) -> Storage:
    if settings.backend == "s3":
        return S3Storage(
            settings.s3_endpoint,
            settings.s3_access_key,
            settings.s3_secret_key.get_secret_value(),
            settings.s3_bucket,
            secure=settings.s3_secure,
            region=settings.s3_region,
        )
    return LocalStorage(settings.local_root)
