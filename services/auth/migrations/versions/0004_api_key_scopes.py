"""auth: API keys get scopes (docs/api.md).

Revision ID: 0004_api_key_scopes
Revises: 0003_messaging_hardening

Hand-written and reviewed. In short:

- ``api_keys.scopes text[] NOT NULL``: each value one of the documented scopes, ``read`` always present
  (``ck_api_keys_scopes``). Table-level grants already cover the new column; RLS is unchanged.
- Existing keys keep what they could do: every scope their role allows (viewer: ``read``; member: ``read`` and
  the inventory, catalog and production write scopes; admin and owner: those and ``webhooks:write``). The
  column is added with the viewer default, the other keys are then widened, and the default is dropped so
  the service always states a key's scopes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_api_key_scopes"
down_revision: str | None = "0003_messaging_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "auth"
ALL_SCOPES = "ARRAY['read', 'inventory:write', 'catalog:write', 'production:write', 'webhooks:write']::text[]"


def upgrade() -> None:
    op.add_column(
        "api_keys",
        sa.Column(
            "scopes",
            postgresql.ARRAY(sa.Text()),
            nullable=False,
            server_default=sa.text("ARRAY['read']::text[]"),
        ),
        schema=SCHEMA,
    )
    op.execute(
        "UPDATE auth.api_keys SET scopes = CASE role"
        " WHEN 'member' THEN ARRAY['read', 'inventory:write', 'catalog:write', 'production:write']"
        " WHEN 'admin' THEN ARRAY['read', 'inventory:write', 'catalog:write', 'production:write', 'webhooks:write']"
        " WHEN 'owner' THEN ARRAY['read', 'inventory:write', 'catalog:write', 'production:write', 'webhooks:write']"
        " ELSE ARRAY['read'] END"
    )
    op.alter_column("api_keys", "scopes", server_default=None, schema=SCHEMA)
    op.create_check_constraint(
        op.f("ck_api_keys_scopes"),
        "api_keys",
        f"scopes <@ {ALL_SCOPES} AND 'read' = ANY (scopes)",
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_api_keys_scopes"), "api_keys", schema=SCHEMA)
    op.drop_column("api_keys", "scopes", schema=SCHEMA)
