"""auth: invitations (membership by invitation), under RLS, and the three invitee lookups.

Revision ID: 0002_invitations
Revises: 0001_auth
Create Date: 2026-12-05

Hand-written and reviewed. ``invitations`` is a tenant table: ENABLE + FORCE row-level security with the
one tenant policy; the app role may SELECT, INSERT and UPDATE (never DELETE: answered invitations stay as
the record of who joined how).

The invitee is signed in to *another* tenant (or to none yet), so finding their invitations is a
pre-tenant lookup (docs/adr/0002-login-lookup.md): three more SECURITY DEFINER functions owned by the
NOLOGIN role ``auth_lookup``, each answering one narrow question, executable by the app role only, with a
pinned search_path and schema-qualified tables. The lookup role gets SELECT on the columns they read and a
SELECT-only policy, nothing more.

- ``pending_invitations(p_email)``: the pending invitations of one email (the service passes only the
  email of the verified caller's own account);
- ``invitation_tenant(p_id, p_email)``: the tenant of one invitation, if it is addressed to that email;
- ``invitation_token_tenant(p_token_hash)``: the tenant of the invitation whose link secret hashes to
  this (registration with an invitation token: the caller proves they hold the 256-bit secret).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from batchivo_common.db import rls
from batchivo_common.db.migrations import roles
from batchivo_common.db.roles import ident

revision: str = "0002_invitations"
down_revision: str | None = "0001_auth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "auth"
ROLE_CHECK = "role in ('viewer', 'member', 'admin', 'owner')"
OPEN = "accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL"

LOOKUP_FUNCTIONS: dict[str, tuple[str, str, str]] = {
    "pending_invitations": (
        "p_email text",
        "TABLE (id uuid, tenant_id uuid, tenant_name text, role text, expires_at timestamptz,"
        " created_at timestamptz)",
        "SELECT i.id, i.tenant_id, t.name::text, i.role::text, i.expires_at, i.created_at"
        " FROM auth.invitations i JOIN auth.tenants t ON t.id = i.tenant_id"
        " WHERE i.email = p_email AND i.accepted_at IS NULL AND i.declined_at IS NULL"
        " AND i.revoked_at IS NULL AND i.expires_at > now() AND t.is_active"
        " ORDER BY i.created_at, i.id",
    ),
    "invitation_tenant": (
        "p_id uuid, p_email text",
        "uuid",
        "SELECT i.tenant_id FROM auth.invitations i WHERE i.id = p_id AND i.email = p_email",
    ),
    "invitation_token_tenant": (
        "p_token_hash text",
        "uuid",
        "SELECT i.tenant_id FROM auth.invitations i WHERE i.token_hash = p_token_hash",
    ),
}

LOOKUP_COLUMNS = (
    "id, tenant_id, email, role, token_hash, created_at, expires_at, accepted_at, declined_at, revoked_at"
)


def upgrade() -> None:
    r = roles()
    app, lookup = ident(r.app), r.nologin_role("lookup")

    op.create_table(
        "invitations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("invited_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_invitations"),
        sa.UniqueConstraint("token_hash", name="uq_invitations_token_hash"),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            [f"{SCHEMA}.tenants.id"],
            name="fk_invitations_tenant_id_tenants",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"], [f"{SCHEMA}.users.id"], name="fk_invitations_invited_by_users"
        ),
        sa.CheckConstraint(ROLE_CHECK, name="ck_invitations_role"),
        schema=SCHEMA,
    )
    # One open invitation per email and tenant: a re-invite updates it (idempotent).
    op.create_index(
        "uq_invitations_open_email",
        "invitations",
        ["tenant_id", "email"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text(OPEN),
    )
    op.create_index("ix_invitations_email", "invitations", ["email"], schema=SCHEMA)

    rls.enable_tenant_rls(op, SCHEMA, "invitations")
    rls.grant(op, SCHEMA, "invitations", app, "SELECT, INSERT, UPDATE")

    # --- the invitee lookups (docs/adr/0002-login-lookup.md) -----------------------------------------
    op.execute(f"GRANT SELECT ({LOOKUP_COLUMNS}) ON {SCHEMA}.invitations TO {lookup}")
    op.execute(
        f"CREATE POLICY invitations_lookup_read ON {SCHEMA}.invitations FOR SELECT TO {lookup} USING (true)"
    )
    op.execute(f"GRANT CREATE ON SCHEMA {SCHEMA} TO {lookup}")
    for name, (arguments, result, body) in LOOKUP_FUNCTIONS.items():
        signature = f"{SCHEMA}.{name}({arguments})"
        op.execute(
            f"CREATE FUNCTION {signature} RETURNS {result} LANGUAGE sql STABLE SECURITY DEFINER"
            f" SET search_path = pg_catalog, pg_temp AS $$ {body} $$"
        )
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {app}")
        op.execute(f"ALTER FUNCTION {signature} OWNER TO {lookup}")
    op.execute(f"REVOKE CREATE ON SCHEMA {SCHEMA} FROM {lookup}")


def downgrade() -> None:
    for name, (arguments, _, _) in LOOKUP_FUNCTIONS.items():
        op.execute(f"DROP FUNCTION IF EXISTS {SCHEMA}.{name}({arguments})")
    op.drop_table("invitations", schema=SCHEMA)  # its indexes, policies and grants go with it
