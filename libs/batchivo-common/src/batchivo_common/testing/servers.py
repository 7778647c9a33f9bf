"""Where the test servers are: containers when a Docker engine answers, else the local ones."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Servers:
    pg_host: str
    pg_port: int
    pg_user: str
    pg_password: str
    amqp_url: str
    redis_url: str


def docker_available() -> bool:
    if os.environ.get("BATCHIVO_TEST_NO_DOCKER"):
        return False
    try:
        import docker

        docker.from_env(timeout=2).ping()
    except Exception:  # no client library, no socket, no engine: all mean "use the local servers"
        return False
    return True


def local_servers() -> Servers:
    return Servers(
        pg_host=os.environ.get("BATCHIVO_TEST_PG_HOST", "127.0.0.1"),
        pg_port=int(os.environ.get("BATCHIVO_TEST_PG_PORT", "5432")),
        pg_user=os.environ.get("BATCHIVO_TEST_PG_USER", "postgres"),
        pg_password=os.environ.get("BATCHIVO_TEST_PG_PASSWORD", ""),
        amqp_url=os.environ.get("BATCHIVO_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
        redis_url=os.environ.get("BATCHIVO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
    )


@contextlib.contextmanager
def container_servers() -> Iterator[Servers]:
    from testcontainers.postgres import PostgresContainer
    from testcontainers.rabbitmq import RabbitMqContainer
    from testcontainers.redis import RedisContainer

    with (
        PostgresContainer("postgres:16-alpine", username="postgres", password="postgres") as pg,
        RabbitMqContainer("rabbitmq:3.13-alpine") as mq,
        RedisContainer("redis:7-alpine") as redis,
    ):
        yield Servers(
            pg_host=pg.get_container_host_ip(),
            pg_port=int(pg.get_exposed_port(5432)),
            pg_user="postgres",
            pg_password="postgres",
            amqp_url=(f"amqp://guest:guest@{mq.get_container_host_ip()}:{mq.get_exposed_port(5672)}/"),
            redis_url=f"redis://{redis.get_container_host_ip()}:{redis.get_exposed_port(6379)}/0",
        )


@contextlib.contextmanager
def test_servers() -> Iterator[Servers]:
    if docker_available():
        with container_servers() as servers:
            yield servers
    else:
        yield local_servers()
