"""Migration helpers: tenant row-level security, grants, and the outbox's two policies.

Called from each service's reviewed Alembic migrations, e.g.::

    rls.enable_tenant_rls(op, "auth", "memberships", roles)
    rls.grant(op, "auth", "memberships", roles.app, "SELECT, INSERT, UPDATE, DELETE")
"""

from __future__ import annotations

from typing import Protocol

from batchivo_common.db.roles import ServiceRoles, ident

#: The tenant the current transaction runs as; NULL (no rows) when unset or empty.
TENANT_EXPR = "nullif(current_setting('app.tenant_id', true), '')::uuid"


class _Operations(Protocol):
    def execute(self, sqltext: str) -> object: ...


def policy_name(table: str) -> str:
    return f"{table}_tenant_isolation"


def enable_tenant_rls(op: _Operations, schema: str, table: str, column: str = "tenant_id") -> None:
    """ENABLE + FORCE row-level security with one policy for reads and writes on ``column``."""
    qualified = f"{ident(schema)}.{ident(table)}"
    op.execute(f"ALTER TABLE {qualified} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {qualified} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY {policy_name(table)} ON {qualified} "
        f"USING ({ident(column)} = {TENANT_EXPR}) WITH CHECK ({ident(column)} = {TENANT_EXPR})"
    )


def grant(op: _Operations, schema: str, table: str, role: str, privileges: str) -> None:
    allowed = {"SELECT", "INSERT", "UPDATE", "DELETE"}
    wanted = {p.strip().upper() for p in privileges.split(",")}
    if not wanted <= allowed:
        raise ValueError(f"unexpected privileges: {wanted - allowed}")
    op.execute(f"GRANT {', '.join(sorted(wanted))} ON {ident(schema)}.{ident(table)} TO {ident(role)}")


def grant_sequences(op: _Operations, schema: str, role: str) -> None:
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {ident(schema)} TO {ident(role)}")


def enable_outbox_rls(op: _Operations, schema: str, roles: ServiceRoles, table: str = "outbox") -> None:
    """The app role may only INSERT its own tenant's events; the relay reads and marks every row."""
    qualified = f"{ident(schema)}.{ident(table)}"
    op.execute(f"ALTER TABLE {qualified} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {qualified} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY {table}_app_insert ON {qualified} FOR INSERT TO {ident(roles.app)} "
        f"WITH CHECK (tenant_id = {TENANT_EXPR})"
    )
    op.execute(f"CREATE POLICY {table}_relay_all ON {qualified} FOR ALL TO {ident(roles.relay)} USING (true)")
    op.execute(f"GRANT INSERT ON {qualified} TO {ident(roles.app)}")
    op.execute(f"GRANT SELECT, UPDATE, DELETE ON {qualified} TO {ident(roles.relay)}")
