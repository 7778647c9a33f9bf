"""Generic plans (``batchivo_common.db.session.GenericPlans``) only on the hot routes that touch a few rows
by key; never on a list, whose best plan depends on the tenant's size (ADR 0007)."""

from __future__ import annotations

from batchivo_common.db.session import GenericPlans
from batchivo_common.testing.dependencies import routes_using
from batchivo_inventory.main import create_app
from batchivo_inventory.settings import InventorySettings

#: Paths as their routers declare them (the spools router's prefix is /spools, under /api/v1).
EXPECTED = {
    ("GET", "/spools/{spool_id}"),
    ("POST", "/spools"),
    ("POST", "/spools/{spool_id}/use"),
    ("POST", "/spools/{spool_id}/weigh"),
    ("GET", "/compat/spoolman/api/v1/spool/{spool_id}"),
    ("PUT", "/compat/spoolman/api/v1/spool/{spool_id}/use"),
}


def test_generic_plans_are_on_the_keyed_hot_routes_only() -> None:
    app = create_app(InventorySettings(), configure_process=False)
    using = routes_using(app, GenericPlans.dependency)
    assert using == EXPECTED
    # Never a list: every such route names its one resource in the path.
    assert all(path.endswith("}") or method != "GET" for method, path in using)
