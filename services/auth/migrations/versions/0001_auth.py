"""auth: tenants, users, memberships, refresh tokens, API keys; RLS, grants, login lookup; outbox, inbox.

Revision ID: 0001_auth
Revises:
Create Date: 2026-11-26

Hand-written and reviewed. The role model is docs/adr/0001-rls-roles.md, the login lookup
docs/adr/0002-login-lookup.md. In short:

- ``tenants`` (policy on ``id``), ``memberships``, ``refresh_tokens``, ``api_keys``, ``inbox``: ENABLE + FORCE
  row-level security with the one tenant policy; ``outbox``: the app role may only INSERT its tenant's rows.
- ``users`` are global (a person can belong to several tenants), so they carry no tenant and no tenant
  policy. The app role may read every column *except* ``password_hash`` (column privileges) and insert rows.
- Before a tenant is known (login, refresh, API-key exchange) the app role calls four SECURITY DEFINER
  functions owned by the NOLOGIN role ``auth_lookup``. That role can only SELECT the few columns the
  functions return, through SELECT-only policies; EXECUTE is granted to the app role alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from batchivo_common.db import rls
from batchivo_common.db.migrations import roles
from batchivo_common.db.roles import ident
from batchivo_common.messaging.inbox import create_inbox_table, drop_inbox_table
from batchivo_common.messaging.outbox import create_outbox_table, drop_outbox_table
from sqlalchemy.dialects import postgresql

revision: str = "0001_auth"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "auth"
ROLE_CHECK = "role in ('viewer', 'member', 'admin', 'owner')"
TENANT_TABLES = ("memberships", "refresh_tokens", "api_keys")

#: name → (arguments, result, body). Every table is schema-qualified and search_path is pinned, so a
#: caller cannot redirect a SECURITY DEFINER function to objects of its own.
LOOKUP_FUNCTIONS: dict[str, tuple[str, str, str]] = {
    # The password hash of one email: the only way the app role ever reads a hash.
    "find_login": (
        "p_email text",
        "TABLE (user_id uuid, password_hash text, is_active boolean)",
        "SELECT u.id, u.password_hash::text, u.is_active FROM auth.users u WHERE lower(u.email) = lower(p_email)",
    ),
    # One person's memberships in every tenant (login picks a tenant; /me lists them).
    "user_memberships": (
        "p_user_id uuid",
        "TABLE (tenant_id uuid, tenant_name text, tenant_slug text, role text, joined_at timestamptz,"
        " tenant_is_active boolean)",
        "SELECT m.tenant_id, t.name::text, t.slug::text, m.role::text, m.created_at, t.is_active"
        " FROM auth.memberships m JOIN auth.tenants t ON t.id = m.tenant_id"
        " WHERE m.user_id = p_user_id ORDER BY m.created_at, t.name",
    ),
    # Which tenant a presented secret belongs to, and nothing else.
    "refresh_token_tenant": (
        "p_token_hash text",
        "uuid",
        "SELECT r.tenant_id FROM auth.refresh_tokens r WHERE r.token_hash = p_token_hash",
    ),
    "api_key_tenant": (
        "p_key_hash text",
        "uuid",
        "SELECT k.tenant_id FROM auth.api_keys k WHERE k.key_hash = p_key_hash",
    ),
}

#: The columns the lookup role may read (and the functions return), per table.
LOOKUP_COLUMNS = {
    "users": "id, email, password_hash, is_active",
    "tenants": "id, name, slug, is_active",
    "memberships": "tenant_id, user_id, role, created_at",
    "refresh_tokens": "tenant_id, token_hash",
    "api_keys": "tenant_id, key_hash",
}


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


def upgrade() -> None:
    r = roles()
    app, lookup = ident(r.app), r.nologin_role("lookup")

    # --- tables -------------------------------------------------------------------------------------
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(100), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        schema=SCHEMA,
    )
    # Unique case-insensitively whoever writes; the app also stores emails lower-cased.
    op.create_index("uq_users_email", "users", [sa.text("lower(email)")], unique=True, schema=SCHEMA)

    op.create_table(
        "tenants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(63), nullable=False),
        sa.Column("currency_code", sa.String(3), nullable=False, server_default=sa.text("'GBP'")),
        sa.Column(
            "settings",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            server_default=sa.text("'{}'::jsonb"),
        ),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_tenants"),
        sa.UniqueConstraint("slug", name="uq_tenants_slug"),
        sa.CheckConstraint("currency_code ~ '^[A-Z]{3}$'", name="ck_tenants_currency_code"),
        sa.CheckConstraint("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name="ck_tenants_slug"),
        schema=SCHEMA,
    )

    op.create_table(
        "memberships",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_memberships"),
        sa.UniqueConstraint("tenant_id", "user_id", name="uq_memberships_tenant_id_user_id"),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            [f"{SCHEMA}.tenants.id"],
            name="fk_memberships_tenant_id_tenants",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], [f"{SCHEMA}.users.id"], name="fk_memberships_user_id_users", ondelete="CASCADE"
        ),
        sa.CheckConstraint(ROLE_CHECK, name="ck_memberships_role"),
        schema=SCHEMA,
    )
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"], schema=SCHEMA)

    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_refresh_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_refresh_tokens_token_hash"),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            [f"{SCHEMA}.tenants.id"],
            name="fk_refresh_tokens_tenant_id_tenants",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], [f"{SCHEMA}.users.id"], name="fk_refresh_tokens_user_id_users", ondelete="CASCADE"
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_refresh_tokens_tenant_id_family_id", "refresh_tokens", ["tenant_id", "family_id"], schema=SCHEMA
    )
    op.create_index(
        "ix_refresh_tokens_tenant_id_user_id", "refresh_tokens", ["tenant_id", "user_id"], schema=SCHEMA
    )

    op.create_table(
        "api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
        sa.ForeignKeyConstraint(
            ["tenant_id"], [f"{SCHEMA}.tenants.id"], name="fk_api_keys_tenant_id_tenants", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["created_by"], [f"{SCHEMA}.users.id"], name="fk_api_keys_created_by_users"),
        sa.CheckConstraint(ROLE_CHECK, name="ck_api_keys_role"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_api_keys_tenant_id_created_at", "api_keys", ["tenant_id", "created_at"], schema=SCHEMA
    )

    # --- row-level security and the app role's grants ------------------------------------------------
    rls.enable_tenant_rls(op, SCHEMA, "tenants", column="id")
    for table in TENANT_TABLES:
        rls.enable_tenant_rls(op, SCHEMA, table)
    # UPDATE on tenants also allows SELECT ... FOR UPDATE (member changes lock their tenant's row).
    rls.grant(op, SCHEMA, "tenants", app, "SELECT, INSERT, UPDATE")
    rls.grant(op, SCHEMA, "memberships", app, "SELECT, INSERT, UPDATE, DELETE")
    rls.grant(op, SCHEMA, "refresh_tokens", app, "SELECT, INSERT, UPDATE")
    rls.grant(op, SCHEMA, "api_keys", app, "SELECT, INSERT, UPDATE")
    # users: every column but the password hash is readable; rows are inserted whole.
    op.execute(
        f"GRANT SELECT (id, email, full_name, is_active, created_at, updated_at) ON {SCHEMA}.users TO {app}"
    )
    op.execute(f"GRANT INSERT ON {SCHEMA}.users TO {app}")

    create_outbox_table(op, SCHEMA, r)
    create_inbox_table(op, SCHEMA, r)

    # --- the login lookup (docs/adr/0002-login-lookup.md) --------------------------------------------
    op.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {lookup}")
    for table, columns in LOOKUP_COLUMNS.items():
        op.execute(f"GRANT SELECT ({columns}) ON {SCHEMA}.{table} TO {lookup}")
    for table in ("tenants", *TENANT_TABLES):
        op.execute(
            f"CREATE POLICY {table}_lookup_read ON {SCHEMA}.{table} FOR SELECT TO {lookup} USING (true)"
        )
    # ALTER ... OWNER needs the new owner to hold CREATE on the schema; it keeps it only for the hand-over.
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
    lookup = roles().nologin_role("lookup")
    for name, (arguments, _, _) in LOOKUP_FUNCTIONS.items():
        op.execute(f"DROP FUNCTION IF EXISTS {SCHEMA}.{name}({arguments})")
    drop_inbox_table(op, SCHEMA)
    drop_outbox_table(op, SCHEMA)
    for table in ("api_keys", "refresh_tokens", "memberships", "tenants", "users"):
        op.drop_table(table, schema=SCHEMA)  # its indexes, policies and grants go with it
    op.execute(f"REVOKE USAGE ON SCHEMA {SCHEMA} FROM {lookup}")
