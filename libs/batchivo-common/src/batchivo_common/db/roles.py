"""Names of the three PostgreSQL roles and the schema each service owns."""

from __future__ import annotations

import re
from dataclasses import dataclass

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def ident(name: str) -> str:
    """Check that ``name`` is a plain lower-case SQL identifier (we splice role/schema names into DDL)."""
    if not _IDENT.match(name):
        raise ValueError(f"not a safe SQL identifier: {name!r}")
    return name


@dataclass(frozen=True)
class ServiceRoles:
    """``<svc>_owner`` owns the schema and runs migrations; ``<svc>_app`` serves requests under RLS;
    ``<svc>_relay`` reads the outbox across tenants. ``suffix`` keeps test runs apart (roles are
    cluster-wide)."""

    schema: str
    suffix: str = ""

    def __post_init__(self) -> None:
        ident(self.schema + self.suffix)

    @property
    def owner(self) -> str:
        return f"{self.schema}_owner{self.suffix}"

    @property
    def app(self) -> str:
        return f"{self.schema}_app{self.suffix}"

    @property
    def relay(self) -> str:
        return f"{self.schema}_relay{self.suffix}"

    @property
    def all(self) -> tuple[str, str, str]:
        return (self.owner, self.app, self.relay)
