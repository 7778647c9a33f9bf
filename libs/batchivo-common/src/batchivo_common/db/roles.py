"""Names of the three PostgreSQL roles and the schema each service owns."""

from __future__ import annotations

import re
from dataclasses import dataclass

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

#: NOLOGIN roles a service needs beyond its three, by schema, named ``<schema>_<name><suffix>``. Bootstrap
#: creates them (a service's owner is NOCREATEROLE) and makes the owner a member, so the service's
#: migrations can hand objects to them. auth: ``lookup`` owns the SECURITY DEFINER login-lookup functions
#: (docs/adr/0002-login-lookup.md).
EXTRA_NOLOGIN_ROLES: dict[str, tuple[str, ...]] = {"auth": ("lookup",)}

#: Session defaults set on each login role (``ALTER ROLE ... SET``), docs/adr/0007-database-timeouts.md.
#: ``app`` serves requests: no statement of a request may run 5 s, wait 2 s for a lock or leave its
#: transaction idle for 10 s; a cancelled one answers 503. ``relay`` holds its claim transaction open while
#: the broker confirms a batch, so it may sit idle longer. ``owner`` runs migrations: long statements
#: (index builds) are fine, but waiting behind live traffic for a lock is not: a migration gives up after
#: 10 s instead of queueing every request behind its ``ALTER TABLE``.
ROLE_SETTINGS: dict[str, dict[str, str]] = {
    "app": {
        "statement_timeout": "5s",
        "lock_timeout": "2s",
        "idle_in_transaction_session_timeout": "10s",
    },
    "relay": {
        "statement_timeout": "15s",
        "lock_timeout": "5s",
        "idle_in_transaction_session_timeout": "2min",
    },
    "owner": {
        "statement_timeout": "30min",
        "lock_timeout": "10s",
        "idle_in_transaction_session_timeout": "10min",
    },
}
_SETTING_VALUE = re.compile(r"^[0-9]+(ms|s|min|h)?$")


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

    def settings(self) -> dict[str, dict[str, str]]:
        """``ROLE_SETTINGS`` by this service's role names."""
        by_kind = {"owner": self.owner, "app": self.app, "relay": self.relay}
        result: dict[str, dict[str, str]] = {}
        for kind, values in ROLE_SETTINGS.items():
            for name, value in values.items():
                if not _IDENT.match(name) or not _SETTING_VALUE.match(value):
                    raise ValueError(f"unexpected role setting {name}={value!r}")
            result[by_kind[kind]] = dict(values)
        return result

    def nologin_role(self, name: str) -> str:
        """The name of one of the service's extra NOLOGIN roles (see ``EXTRA_NOLOGIN_ROLES``)."""
        if name not in EXTRA_NOLOGIN_ROLES.get(self.schema, ()):
            raise ValueError(f"{self.schema} has no extra role {name!r}")
        return ident(f"{self.schema}_{name}{self.suffix}")

    @property
    def nologin(self) -> tuple[str, ...]:
        return tuple(self.nologin_role(name) for name in EXTRA_NOLOGIN_ROLES.get(self.schema, ()))
