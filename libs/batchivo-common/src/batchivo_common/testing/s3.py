"""A real S3-compatible server for tests: ``moto[server]`` on a loopback port (a dev dependency).

Fixtures (registered by the pytest plugin):

- ``s3_server``: one server per test session, started on first use on ``127.0.0.1`` and an ephemeral
  port; the value is its ``host:port`` endpoint.
- ``s3_settings``: :class:`StorageSettings` for the S3 backend pointing at that server, with a fresh
  bucket per test (created over HTTP with the ``minio`` client, so a test starts with an empty bucket).

The server speaks the S3 HTTP API over the wire: the code under test uses the same ``minio`` client and
request signing it uses against MinIO or AWS.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from batchivo_common.storage import StorageSettings

#: Any non-empty keys do: moto checks the signature's form, not the secret.
ACCESS_KEY = "batchivo-test"
SECRET_KEY = "batchivo-test-secret"  # a fake credential of a throwaway server
REGION = "us-east-1"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"{host}:{port}"
    finally:
        server.stop()


def make_bucket(endpoint: str, bucket: str) -> None:
    from minio import Minio

    client = Minio(endpoint, access_key=ACCESS_KEY, secret_key=SECRET_KEY, secure=False, region=REGION)
    client.make_bucket(bucket)


@pytest.fixture
def s3_settings(s3_server: str) -> StorageSettings:
    bucket = f"batchivo-test-{uuid.uuid4().hex[:12]}"
    make_bucket(s3_server, bucket)
    return StorageSettings(
        backend="s3",
        s3_endpoint=s3_server,
        s3_access_key=ACCESS_KEY,
        s3_secret_key=SECRET_KEY,
        s3_bucket=bucket,
        s3_secure=False,
        s3_region=REGION,
    )
