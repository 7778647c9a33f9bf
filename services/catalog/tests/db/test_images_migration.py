"""Migration 0003 reshapes ``product_images`` without losing rows, and RLS on it stays forced."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import pytest
from batchivo_common.testing.plugin import alembic, truncate_service_tables

pytestmark = pytest.mark.db

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


async def test_rows_from_before_get_a_thumbnail_and_distinct_positions(
    app, catalog_db, batchivo_infra
) -> None:
    await truncate_service_tables(catalog_db)
    alembic(ALEMBIC_INI, catalog_db, batchivo_infra, "downgrade", "0002_messaging_hardening")
    tenant, product = uuid.uuid4(), uuid.uuid4()
    first, second = uuid.uuid4(), uuid.uuid4()
    conn = await asyncpg.connect(catalog_db.admin_url)
    try:
        await conn.execute(
            "insert into catalog.products (id, tenant_id, sku, name) values ($1, $2, 'P', 'n')",
            product,
            tenant,
        )
        # Two rows at the same position, the second one primary and without a thumbnail.
        for image_id, primary in ((first, False), (second, True)):
            await conn.execute(
                "insert into catalog.product_images (id, tenant_id, product_id, storage_key, content_type,"
                " width, height, size_bytes, sha256, position, is_primary)"
                " values ($1, $2, $3, $4, 'image/png', 1, 1, 7, 'x', 0, $5)",
                image_id,
                tenant,
                product,
                f"k/{image_id}.png",
                primary,
            )
        alembic(ALEMBIC_INI, catalog_db, batchivo_infra, "upgrade", "head")
        rows = await conn.fetch(
            "select id, position, is_primary, thumbnail_key, thumbnail_size_bytes"
            " from catalog.product_images order by position"
        )
        assert [(r["id"], r["position"], r["is_primary"]) for r in rows] == [
            (second, 0, True),
            (first, 1, False),
        ]
        assert [(r["thumbnail_key"], r["thumbnail_size_bytes"]) for r in rows] == [
            (f"k/{second}.png", 7),
            (f"k/{first}.png", 7),
        ]
        forced = await conn.fetchrow(
            "select relrowsecurity, relforcerowsecurity from pg_class"
            " where oid = 'catalog.product_images'::regclass"
        )
        assert tuple(forced) == (True, True)
        checks = await conn.fetch(
            "select conname, pg_get_constraintdef(oid) as def from pg_constraint"
            " where conrelid = 'catalog.product_images'::regclass and contype = 'c'"
        )
        by_name = {r["conname"]: r["def"] for r in checks}
        assert by_name["ck_product_images_size"] == "CHECK ((size_bytes > 0))"
        assert by_name["ck_product_images_position"] == 'CHECK (("position" >= 0))'
        assert "ck_product_images_thumbnail_size" in by_name
        assert not [n for n in by_name if "10485760" in by_name[n]]
        # Positions are unique per product, checked at commit (a reorder may swap within a transaction).
        async with conn.transaction():
            await conn.execute("update catalog.product_images set position = 0 where id = $1", first)
            await conn.execute("update catalog.product_images set position = 1 where id = $1", second)
        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.execute("update catalog.product_images set position = 0")
    finally:
        await conn.execute("delete from catalog.products where id = $1", product)
        await conn.close()
    await app.state.engine.dispose()
