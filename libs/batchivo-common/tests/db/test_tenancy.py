"""The shared RLS recipe (rls helpers + tenant session hook + role self-check) on a throwaway schema."""

import uuid
from collections.abc import Awaitable, Callable

import asyncpg
import pytest
from batchivo_common.db.engine import create_engine, tenant_sessionmaker
from batchivo_common.db.tenancy import UnsafeDatabaseRole, check_app_role, generic_plans, tenant_scope
from batchivo_common.testing.plugin import ServiceDatabase
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
async def widgets(
    rls_table: Callable[[str, str], Awaitable[ServiceDatabase]],
) -> ServiceDatabase:
    return await rls_table("commontest", "widgets")


@pytest.fixture
async def app_sessions(widgets: ServiceDatabase):  # type: ignore[no-untyped-def]
    engine = create_engine(widgets.app_url, application_name="test")
    yield tenant_sessionmaker(engine)
    await engine.dispose()


async def test_tenant_sees_only_its_rows_and_cannot_write_for_another(app_sessions) -> None:  # type: ignore[no-untyped-def]
    tenant_a, tenant_b = uuid.uuid4(), uuid.uuid4()
    insert = text("insert into commontest.widgets values (:id, :tenant, :name)")
    for tenant in (tenant_a, tenant_b):
        with tenant_scope(tenant):
            async with app_sessions() as session, session.begin():
                await session.execute(insert, {"id": uuid.uuid4(), "tenant": tenant, "name": "w"})

    with tenant_scope(tenant_a):
        async with app_sessions() as session, session.begin():
            seen = (await session.execute(text("select tenant_id from commontest.widgets"))).scalars().all()
            assert seen == [tenant_a]
            with pytest.raises(DBAPIError, match="row-level security"):
                async with session.begin_nested():
                    await session.execute(insert, {"id": uuid.uuid4(), "tenant": tenant_b, "name": "x"})
            # Moving a row to another tenant is a write for that tenant too.
            with pytest.raises(DBAPIError, match="row-level security"):
                async with session.begin_nested():
                    await session.execute(
                        text("update commontest.widgets set tenant_id = :b"), {"b": tenant_b}
                    )


async def test_no_tenant_set_sees_nothing_and_writes_nothing(app_sessions) -> None:  # type: ignore[no-untyped-def]
    async with app_sessions() as session, session.begin():
        count = (await session.execute(text("select count(*) from commontest.widgets"))).scalar_one()
        assert count == 0
        with pytest.raises(DBAPIError, match="row-level security"):
            await session.execute(
                text("insert into commontest.widgets values (:id, :t, 'x')"),
                {"id": uuid.uuid4(), "t": uuid.uuid4()},
            )


async def test_tenant_setting_is_local_to_the_transaction(app_sessions) -> None:  # type: ignore[no-untyped-def]
    with tenant_scope(uuid.uuid4()):
        async with app_sessions() as session, session.begin():
            value = (
                await session.execute(text("select current_setting('app.tenant_id', true)"))
            ).scalar_one()
            assert value
    # Same pooled connection, new transaction without a tenant: nothing carried over.
    async with app_sessions() as session, session.begin():
        value = (await session.execute(text("select current_setting('app.tenant_id', true)"))).scalar_one()
        assert value == ""


async def test_generic_plans_hold_for_one_transaction_only(app_sessions) -> None:  # type: ignore[no-untyped-def]
    mode = text("select current_setting('plan_cache_mode')")
    tenant = uuid.uuid4()
    with tenant_scope(tenant):
        async with app_sessions() as session, session.begin():
            assert (await session.execute(mode)).scalar_one() == "force_custom_plan"
        token = generic_plans.set(True)
        try:
            async with app_sessions() as session, session.begin():
                assert (await session.execute(mode)).scalar_one() == "auto"
                # The tenant is still bound in the same BEGIN message.
                bound = text("select current_setting('app.tenant_id', true)")
                assert (await session.execute(bound)).scalar_one() == str(tenant)
        finally:
            generic_plans.reset(token)
        # The same pooled connection, the next transaction: back to a plan per execution.
        async with app_sessions() as session, session.begin():
            assert (await session.execute(mode)).scalar_one() == "force_custom_plan"


async def test_role_self_check_accepts_the_app_role_and_refuses_the_owner(widgets: ServiceDatabase) -> None:
    app_engine = create_engine(widgets.app_url, application_name="test")
    owner_engine = create_engine(widgets.owner_url, application_name="test")
    try:
        facts = await check_app_role(app_engine)
        assert facts["superuser"] is False and facts["bypassrls"] is False and facts["owned_relations"] == 0
        with pytest.raises(UnsafeDatabaseRole, match="own no table"):
            await check_app_role(owner_engine)
    finally:
        await app_engine.dispose()
        await owner_engine.dispose()


async def test_table_has_rls_enabled_and_forced(widgets: ServiceDatabase) -> None:
    conn = await asyncpg.connect(widgets.admin_url)
    try:
        row = await conn.fetchrow(
            "select relrowsecurity, relforcerowsecurity from pg_class"
            " where oid = 'commontest.widgets'::regclass"
        )
    finally:
        await conn.close()
    assert row is not None and row["relrowsecurity"] and row["relforcerowsecurity"]
