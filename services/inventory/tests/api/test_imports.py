"""Import and export over HTTP against the real database: CSV of filament types and spools (dry run,
keys, ledger), Spoolman exports and API, SpoolmanDB catalogues, streamed exports with filters, tenancy."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
IMPORT = "/api/v1/inventory/import"
EXPORT = "/api/v1/inventory/export"


def _file(text: str | bytes, name: str = "data.csv") -> dict[str, Any]:
    return {"file": (name, text.encode() if isinstance(text, str) else text, "text/csv")}


async def _post(client, path: str, tenant, content: str | bytes, *, dry_run: bool = False, **kw: Any):
    return await client.post(
        f"{IMPORT}/{path}",
        params={"dry_run": "true" if dry_run else "false"},
        files=_file(content, kw.pop("name", "data.csv")),
        headers=tenant.headers(),
    )


async def _count(admin_conn, table: str, tenant) -> int:
    return int(
        await admin_conn.fetchval(f"select count(*) from inventory.{table} where tenant_id = $1", tenant.id)
    )


async def _ledger_balances(admin_conn, tenant) -> None:
    """current_weight == Σ delta for every spool of the tenant."""
    bad = await admin_conn.fetch(
        "select s.code from inventory.spools s"
        " left join inventory.inventory_transactions t on t.spool_id = s.id where s.tenant_id = $1"
        " group by s.id having s.current_weight <> coalesce(sum(t.delta), 0)",
        tenant.id,
    )
    assert bad == []


SPOOLS_CSV = (
    "code,material,brand,color_name,color_hex,initial_weight,current_weight,location,purchase_price,archived\n"
    "SH-1,PLA,Prusament,Galaxy Black,#1a1a2e,1000,1000,Shelf A,24.99,false\n"
    ",PETG,Prusament,Jet Black,,1000,640,Shelf B,,\n"
    "SH-3,pla,prusament,galaxy black,,750,,Shelf A,,no\n"
)


async def test_spool_csv_dry_run_then_real_then_again_updates_nothing(api, client, admin_conn) -> None:
    tenant = api.tenant()
    dry = await _post(client, "spools", tenant, SPOOLS_CSV, dry_run=True)
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert (report["dry_run"], report["applied"], report["rows"], report["created"]) == (True, False, 3, 3)
    # one PLA type for "Galaxy Black"/"galaxy black" (case-insensitive natural key), one PETG type
    assert report["filament_types_created"] == 2
    assert await _count(admin_conn, "spools", tenant) == 0
    assert await _count(admin_conn, "filament_types", tenant) == 0
    assert await _count(admin_conn, "inventory_transactions", tenant) == 0

    real = await _post(client, "spools", tenant, SPOOLS_CSV)
    assert real.status_code == 200, real.text
    body = real.json()
    assert (body["applied"], body["created"], body["updated"], body["filament_types_created"]) == (
        True,
        3,
        0,
        2,
    )
    spools = (await client.get("/api/v1/spools?limit=50", headers=tenant.headers())).json()["items"]
    by_code = {s["code"]: s for s in spools}
    assert set(by_code) == {"SH-1", "SH-3", "FIL-001"}
    assert (
        by_code["FIL-001"]["current_weight"] == 640
        and by_code["FIL-001"]["filament_type"]["material_code"] == "PETG"
    )
    assert by_code["SH-1"]["purchase_price"] == 24.99
    ledger = await api.ledger(tenant, by_code["FIL-001"]["id"])
    assert [(r["kind"], r["delta"]) for r in ledger] == [("purchase", 640)]
    await _ledger_balances(admin_conn, tenant)

    again = await _post(client, "spools", tenant, SPOOLS_CSV)
    assert again.status_code == 200, again.text
    # SH-1 and SH-3 matched by code; the row without code or external_id is a new spool every time
    assert (again.json()["created"], again.json()["unchanged"], again.json()["updated"]) == (1, 2, 0)


async def test_external_id_makes_a_second_import_update_with_an_adjustment(api, client, admin_conn) -> None:
    tenant = api.tenant()
    first = (
        "external_id,material,brand,color_name,initial_weight,current_weight\nrow-1,PLA,Acme,Red,1000,900\n"
    )
    assert (await _post(client, "spools", tenant, first)).json()["created"] == 1
    second = (
        "external_id,material,brand,color_name,initial_weight,current_weight\nrow-1,PLA,Acme,Red,1000,700\n"
    )
    body = (await _post(client, "spools", tenant, second)).json()
    assert (body["created"], body["updated"]) == (0, 1)
    spools = (await client.get("/api/v1/spools", headers=tenant.headers())).json()["items"]
    assert len(spools) == 1 and spools[0]["current_weight"] == 700
    ledger = await api.ledger(tenant, spools[0]["id"])
    assert [(r["kind"], r["delta"]) for r in ledger] == [("purchase", 900), ("adjustment", -200)]
    await _ledger_balances(admin_conn, tenant)


async def test_every_bad_row_is_reported_with_line_and_field_and_nothing_changes(
    api, client, admin_conn
) -> None:
    tenant = api.tenant()
    await api.spool(tenant)
    before = {
        t: await _count(admin_conn, t, tenant) for t in ("spools", "filament_types", "inventory_transactions")
    }
    text = (
        "code,material,brand,color_name,initial_weight,current_weight,purchase_date,archived\n"
        "OK-1,PLA,Acme,Red,1000,,,\n"
        "BAD 2,PLA,Acme,Red,abc,,2026-13-01,maybe\n"
        "OK-1,NOPE,,Red,1000,1200,,\n"
    )
    dry = await _post(client, "spools", tenant, text, dry_run=True)
    assert dry.status_code == 200
    errors = {(e["line"], e["field"]) for e in dry.json()["errors"]}
    assert {
        (3, "code"),
        (3, "initial_weight"),
        (3, "purchase_date"),
        (3, "archived"),
        (4, "brand"),
        (4, "code"),
        (4, "current_weight"),
    } <= errors
    assert dry.json()["failed"] == 2
    real = await _post(client, "spools", tenant, text)
    assert real.status_code == 422
    body = api.error(real, 422, "IMPORT_INVALID")
    assert body["report"]["applied"] is False and body["report"]["failed"] == 2
    after = {t: await _count(admin_conn, t, tenant) for t in before}
    assert after == before


async def test_unknown_material_is_a_row_error(api, client) -> None:
    tenant = api.tenant()
    text = "material,brand,color_name,initial_weight\nUNOBTAINIUM,Acme,Red,1000\n"
    response = await _post(client, "spools", tenant, text, dry_run=True)
    assert response.json()["errors"] == [
        {
            "line": 2,
            "field": "material",
            "message": "unknown material UNOBTAINIUM; create the material type first",
        }
    ]


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b"", "empty"),
        (b"material,brand\nPLA,Acme\n", "Missing column"),
        (b"a,b\x00c\n", "NUL"),
        (b"material,material\n", "twice"),
    ],
)
async def test_an_unreadable_file_is_422_and_changes_nothing(
    api, client, content: bytes, detail: str
) -> None:
    tenant = api.tenant()
    response = await _post(client, "spools", tenant, content)
    body = api.error(response, 422)
    assert detail in body["detail"]


async def test_viewer_cannot_import_and_an_oversized_file_is_413(api, client) -> None:
    tenant = api.tenant()
    from batchivo_common.auth.tokens import Role

    response = await client.post(
        f"{IMPORT}/spools", files=_file(SPOOLS_CSV), headers=tenant.headers(Role.viewer)
    )
    api.error(response, 403)
    big = b"material,brand,color_name,initial_weight\n" + b"PLA,Acme,Red,1000\n" * 700_000
    response = await _post(client, "spools", tenant, big)
    api.error(response, 413, "PAYLOAD_TOO_LARGE")


async def test_filament_type_csv_creates_then_updates_by_natural_key(api, client, admin_conn) -> None:
    tenant = api.tenant()
    text = (
        "material,brand,color_name,color_hex,diameter_mm,min_stock_grams\n"
        "PLA,Prusament,Galaxy Black,#1A1A2E,1.75,500\n"
        "PETG,Prusament,Jet Black,,,\n"
    )
    body = (await _post(client, "filament-types", tenant, text)).json()
    assert (body["created"], body["updated"]) == (2, 0)
    text2 = (
        "material,brand,color_name,min_stock_grams\n"
        "PLA, prusament ,galaxy  black,750\n"
        "PETG,Prusament,Jet Black,\n"
    )
    body = (await _post(client, "filament-types", tenant, text2)).json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 1, 1)
    types = (await client.get("/api/v1/filament-types", headers=tenant.headers())).json()["items"]
    galaxy = next(t for t in types if t["color_name"] == "Galaxy Black")
    assert galaxy["min_stock_grams"] == 750 and galaxy["color_hex"] == "#1A1A2E"
    assert await _count(admin_conn, "filament_types", tenant) == 2


async def test_spoolman_export_keeps_weights_and_ledger_and_reimport_updates(api, client, admin_conn) -> None:
    tenant = api.tenant()
    data = (FIXTURES / "spoolman_export.json").read_bytes()
    dry = await _post(client, "spoolman", tenant, data, dry_run=True, name="spools.json")
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert (report["created"], report["failed"]) == (3, 1)
    assert report["errors"][0]["line"] == 4 and report["errors"][0]["field"] == "initial_weight"
    assert await _count(admin_conn, "spools", tenant) == 0

    real = (await _post(client, "spoolman", tenant, data, name="spools.json")).json()
    assert (real["applied"], real["created"], real["failed"]) == (True, 3, 1)
    assert real["material_types_created"] == ["PLA-MATTE"]
    rows = [r for r in real["results"] if r["kind"] == "spool"]
    assert [r["line"] for r in rows] == [1, 2, 3]
    spools = [(await client.get(f"/api/v1/spools/{r['id']}", headers=tenant.headers())).json() for r in rows]
    by_location = {s["location"]: s for s in spools}
    first = by_location["Shelf A"]
    assert (first["initial_weight"], first["current_weight"], first["empty_spool_weight"]) == (
        1000,
        650.5,
        145,
    )
    assert first["filament_type"]["brand"] == "Polymaker"
    assert first["filament_type"]["color_name"] == "PolyTerra Charcoal Black"
    assert (first["lot_number"], first["notes"], first["purchase_price"]) == (
        "LOT-77",
        "opened in March",
        19.99,
    )
    ledger = await api.ledger(tenant, first["id"])
    assert [(r["kind"], r["delta"], r["grams_after"]) for r in ledger] == [
        ("purchase", 1000, 1000),
        ("adjustment", -349.5, 650.5),
    ]
    empty = by_location[None]
    assert (empty["current_weight"], empty["is_archived"]) == (0, True)
    await _ledger_balances(admin_conn, tenant)

    # Spoolman's spool 1 was used further: a re-import books the difference as an adjustment, nothing new.
    document = json.loads(data)
    document[0]["used_weight"] = 449.5
    document[0]["remaining_weight"] = 550.5
    again = (await _post(client, "spoolman", tenant, json.dumps(document), name="spools.json")).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 2)
    assert again["filament_types_created"] == 0
    assert await _count(admin_conn, "spools", tenant) == 3
    ledger = await api.ledger(tenant, first["id"])
    assert [(r["kind"], r["delta"]) for r in ledger][-1] == ("adjustment", -100)
    await _ledger_balances(admin_conn, tenant)


async def test_spoolman_csv_export_is_read_with_dotted_columns(api, client) -> None:
    tenant = api.tenant()
    text = (
        "archived,comment,filament.material,filament.name,filament.vendor.name,filament.weight,id,"
        "initial_weight,location,lot_nr,used_weight\n"
        "False,,PETG,Jet Black,Prusament,1000,7,,Rack 1,L1,250.25\n"
    )
    body = (await _post(client, "spoolman", tenant, text)).json()
    assert (body["created"], body["failed"]) == (1, 0)
    spool = (await client.get("/api/v1/spools", headers=tenant.headers())).json()["items"][0]
    assert (spool["current_weight"], spool["location"], spool["lot_number"]) == (749.75, "Rack 1", "L1")


class _Spoolman(BaseHTTPRequestHandler):
    """A stand-in Spoolman REST API (its three list endpoints) on 127.0.0.1."""

    document: list[dict[str, Any]] = []

    def do_GET(self) -> None:
        spools = self.document
        filaments = list({s["filament"]["id"]: s["filament"] for s in spools}.values())
        vendors = list({f["vendor"]["id"]: f["vendor"] for f in filaments if f.get("vendor")}.values())
        answers = {"/api/v1/spool": spools, "/api/v1/filament": filaments, "/api/v1/vendor": vendors}
        body = answers.get(self.path.split("?")[0])
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def spoolman_server() -> Iterator[str]:
    _Spoolman.document = json.loads((FIXTURES / "spoolman_export.json").read_text())
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Spoolman)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def test_spoolman_api_url_is_fetched_only_when_private_urls_are_allowed(
    api, client, app, spoolman_server: str
) -> None:
    tenant = api.tenant()
    settings = app.state.settings
    assert settings.import_allow_private_urls is False
    refused = await client.post(f"{IMPORT}/spoolman", data={"url": spoolman_server}, headers=tenant.headers())
    api.error(refused, 422, "URL_REFUSED")
    settings.import_allow_private_urls = True
    try:
        response = await client.post(
            f"{IMPORT}/spoolman", data={"url": f"{spoolman_server}/api/v1"}, headers=tenant.headers()
        )
        assert response.status_code == 200, response.text
        assert (response.json()["created"], response.json()["failed"]) == (3, 1)
        # every Spoolman filament became a type, also the one whose only spool was skipped
        assert response.json()["filament_types_created"] == 4
        # the instance is its URL, normalised: spelled another way, the same spools are found again
        assert response.json()["instance"] == spoolman_server.lower().rstrip("/")
        again = await client.post(
            f"{IMPORT}/spoolman", data={"url": f"{spoolman_server.upper()}/"}, headers=tenant.headers()
        )
        assert (again.json()["created"], again.json()["unchanged"]) == (0, 3), again.text
        down = await client.post(
            f"{IMPORT}/spoolman", data={"url": "http://127.0.0.1:9/"}, headers=tenant.headers()
        )
        api.error(down, 502, "FETCH_FAILED")
    finally:
        settings.import_allow_private_urls = False


async def test_spoolmandb_catalogue_creates_one_type_per_colour(api, client, admin_conn) -> None:
    tenant = api.tenant()
    data = (FIXTURES / "spoolmandb_acme.json").read_bytes()
    dry = (await _post(client, "spoolmandb", tenant, data, dry_run=True, name="acme.json")).json()
    assert (dry["created"], dry["failed"]) == (5, 1)
    assert dry["errors"][0]["field"] == "colors"
    # a catalogue with a bad entry is all-or-nothing like a CSV
    api.error(await _post(client, "spoolmandb", tenant, data, name="acme.json"), 422, "IMPORT_INVALID")
    assert await _count(admin_conn, "filament_types", tenant) == 0
    document = json.loads(data)
    document["filaments"][2]["colors"].pop()
    body = (await _post(client, "spoolmandb", tenant, json.dumps(document), name="acme.json")).json()
    assert (body["created"], body["material_types_created"]) == (5, ["PLA-SILK"])
    types = (await client.get("/api/v1/filament-types?limit=50", headers=tenant.headers())).json()["items"]
    silk = next(t for t in types if t["color_name"] == "Silk Rainbow")
    assert (silk["brand"], silk["material_code"], silk["diameter_mm"], silk["finish"]) == (
        "Acme Filaments",
        "PLA-SILK",
        2.85,
        "glossy",
    )
    red = next(t for t in types if t["color_name"] == "Signal Red")
    assert (red["color_hex"], red["diameter_mm"], red["extruder_temp"]) == ("#D32F2F", 1.75, 210)
    again = (await _post(client, "spoolmandb", tenant, json.dumps(document), name="acme.json")).json()
    assert (again["created"], again["unchanged"]) == (0, 5)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_spool_export_streams_every_page_with_the_lists_filters(api, client) -> None:
    tenant = api.tenant()
    lines = ["external_id,material,brand,color_name,initial_weight,location"]
    lines += [f"e{i},PLA,Acme,Red,1000,{'Shelf A' if i % 3 else 'Shelf B'}" for i in range(1, 2501)]
    lines.append("=cmd,PETG,=Evil,Green,500,Shelf B")
    assert (await _post(client, "spools", tenant, "\n".join(lines) + "\n")).json()["created"] == 2501
    response = await client.get(f"{EXPORT}/spools.csv", headers=tenant.headers())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = _rows(response.text)
    assert len(rows) == 2501
    assert rows[0]["code"] == "FIL-001" and rows[-1]["code"] == "FIL-2501"
    assert rows[-1]["brand"] == "'=Evil"  # a spreadsheet would run it as a formula
    filtered = _rows(
        (
            await client.get(f"{EXPORT}/spools.csv?location=Shelf B&material=pla", headers=tenant.headers())
        ).text
    )
    assert len(filtered) == 833 and {r["location"] for r in filtered} == {"Shelf B"}
    assert {r["material"] for r in filtered} == {"PLA"}
    # the export re-imports onto the same spools (matched by code): nothing new, nothing changed
    again = (await _post(client, "spools", tenant, response.content)).json()
    assert (again["created"], again["updated"], again["unchanged"], again["failed"]) == (0, 0, 2501, 0)


async def test_filament_type_export_and_another_tenant_sees_nothing(api, client) -> None:
    a, b = api.tenant(), api.tenant()
    await _post(client, "spools", a, SPOOLS_CSV)
    types = _rows((await client.get(f"{EXPORT}/filament-types.csv", headers=a.headers())).text)
    assert [(t["material"], t["color_name"]) for t in types] == [
        ("PETG", "Jet Black"),
        ("PLA", "Galaxy Black"),
    ]
    assert Decimal(types[1]["diameter_mm"]) == Decimal("1.75")
    assert _rows((await client.get(f"{EXPORT}/filament-types.csv", headers=b.headers())).text) == []
    assert _rows((await client.get(f"{EXPORT}/spools.csv", headers=b.headers())).text) == []
    # B importing A's codes creates B's own spools; A's are untouched
    body = (await _post(client, "spools", b, SPOOLS_CSV)).json()
    assert body["created"] == 3
    a_spools = (await client.get("/api/v1/spools", headers=a.headers())).json()["items"]
    assert len(a_spools) == 3


async def test_a_reimport_updates_many_spools_in_bulk_with_ledger_and_events(api, client, admin_conn) -> None:
    tenant = api.tenant()
    header = "external_id,material,brand,color_name,initial_weight,current_weight,archived\n"
    first = header + "".join(f"s{i},PLA,Acme,Red,1000,900,\n" for i in range(30))
    assert (await _post(client, "spools", tenant, first)).json()["created"] == 30
    events = "select event_type, count(*) from inventory.outbox where tenant_id = $1 group by 1"
    before = dict(await admin_conn.fetch(events, tenant.id))
    # every spool weighed again; s0 nearly empty (low stock), s1 archived
    rows = [
        f"s{i},PLA,Acme,Red,1000,{100 if i == 0 else 800 - i},{'true' if i == 1 else ''}\n" for i in range(30)
    ]
    body = (await _post(client, "spools", tenant, header + "".join(rows))).json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 30, 0)
    after = dict(await admin_conn.fetch(events, tenant.id))
    assert after["inventory.spool.updated.v1"] - before.get("inventory.spool.updated.v1", 0) == 30
    assert after["inventory.spool.archived.v1"] - before.get("inventory.spool.archived.v1", 0) == 1
    assert after["inventory.stock.low.v1"] - before.get("inventory.stock.low.v1", 0) == 1
    await _ledger_balances(admin_conn, tenant)
    kinds = await admin_conn.fetch(
        "select kind, count(*) from inventory.inventory_transactions where tenant_id = $1 group by 1",
        tenant.id,
    )
    assert dict(kinds) == {"purchase": 30, "adjustment": 30}
    low = (await client.get("/api/v1/inventory/low-stock", headers=tenant.headers())).json()["spools"]
    assert len(low) == 1 and low[0]["current_weight"] == 100
    # the same file once more: nothing left to change
    again = (await _post(client, "spools", tenant, header + "".join(rows))).json()
    assert (again["updated"], again["unchanged"]) == (0, 30)


def _spoolman_spool(spool_id: int, vendor: str, material: str, colour: str, used: float) -> dict[str, Any]:
    return {
        "id": spool_id,
        "filament": {
            "id": spool_id * 10,
            "name": colour,
            "material": material,
            "weight": 1000,
            "vendor": {"id": spool_id * 100, "name": vendor},
        },
        "initial_weight": 1000,
        "used_weight": used,
        "archived": False,
    }


async def _spoolman(client, tenant, document: Any, instance: str | None = None, **kw: Any):
    response = await client.post(
        f"{IMPORT}/spoolman",
        params={"dry_run": "true" if kw.get("dry_run") else "false"},
        files={"file": ("spools.json", json.dumps(document).encode(), "application/json")},
        data={"instance": instance} if instance is not None else {},
        headers=tenant.headers(),
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_two_spoolman_instances_with_the_same_ids_import_as_distinct_spools(
    api, client, admin_conn
) -> None:
    tenant = api.tenant()
    workshop = [
        _spoolman_spool(1, "Polymaker", "PLA", "Charcoal Black", 100),
        _spoolman_spool(2, "Prusament", "PETG", "Jet Black", 0),
    ]
    office = [
        _spoolman_spool(1, "Elegoo", "PLA", "Red", 300),
        _spoolman_spool(2, "Sunlu", "ABS", "White", 50),
    ]
    first = await _spoolman(client, tenant, workshop, "Workshop")
    assert first["created"] == 2
    # the other instance's spools 1 and 2 are other spools, not the workshop's spools 1 and 2
    second = await _spoolman(client, tenant, office, "office")
    assert await _count(admin_conn, "spools", tenant) == 4
    assert (second["created"], second["updated"]) == (2, 0)
    assert (first["instance"], second["instance"]) == ("Workshop", "office")
    listed = (await client.get("/api/v1/spools", headers=tenant.headers())).json()["items"]
    by_brand = {s["filament_type"]["brand"]: s for s in listed}
    assert (by_brand["Polymaker"]["current_weight"], by_brand["Elegoo"]["current_weight"]) == (900, 700)

    # each again, weighed further in its own Spoolman: updates its own spools, duplicates nothing
    workshop[0]["used_weight"] = 150
    office[0]["used_weight"] = 400
    again = await _spoolman(
        client, tenant, workshop, "  WORKSHOP "
    )  # the name is case- and space-insensitive
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 1)
    again = await _spoolman(client, tenant, office, "Office")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 1)
    assert await _count(admin_conn, "spools", tenant) == 4
    listed = (await client.get("/api/v1/spools", headers=tenant.headers())).json()["items"]
    by_brand = {s["filament_type"]["brand"]: s for s in listed}
    assert (by_brand["Polymaker"]["current_weight"], by_brand["Elegoo"]["current_weight"]) == (850, 600)
    await _ledger_balances(admin_conn, tenant)


async def _as_before_instances(admin_conn, tenant) -> None:
    """The keys as an import before instances were told apart left them (migration 0010 moved them)."""
    await admin_conn.execute(
        "update inventory.import_keys set source = 'spoolman-before-instances' where tenant_id = $1",
        tenant.id,
    )


async def test_keys_from_before_instances_stay_valid_for_the_default_and_a_named_instance(
    api, client, admin_conn
) -> None:
    tenant = api.tenant()
    workshop = [_spoolman_spool(1, "Polymaker", "PLA", "Charcoal Black", 100)]
    assert (await _spoolman(client, tenant, workshop))["created"] == 1
    await _as_before_instances(admin_conn, tenant)
    # an upload without a name (the default instance) finds its spool as before
    assert (await _spoolman(client, tenant, workshop))["unchanged"] == 1
    assert await _count(admin_conn, "spools", tenant) == 1

    other = api.tenant()
    assert (await _spoolman(client, other, workshop))["created"] == 1
    await _as_before_instances(admin_conn, other)
    # another instance whose spool 1 is another filament does not take the old key's spool
    office = [_spoolman_spool(1, "Elegoo", "PLA", "Red", 300)]
    assert (await _spoolman(client, other, office, "Office"))["created"] == 1
    # the same Spoolman imported under a name (or by its URL) takes its old spool over, once
    workshop[0]["used_weight"] = 200
    named = await _spoolman(client, other, workshop, "Workshop")
    assert (named["created"], named["updated"]) == (0, 1)
    assert (await _spoolman(client, other, workshop, "Workshop"))["unchanged"] == 1
    # taken over, it is not the default instance's any more
    assert (await _spoolman(client, other, workshop))["created"] == 1
    assert await _count(admin_conn, "spools", other) == 3


async def test_an_unnamed_upload_and_a_named_instance_never_share_spools(api, client, admin_conn) -> None:
    tenant = api.tenant()
    same_filament = [_spoolman_spool(1, "Polymaker", "PLA", "Charcoal Black", 100)]
    assert (await _spoolman(client, tenant, same_filament))["created"] == 1
    assert (await _spoolman(client, tenant, same_filament, "Office"))["created"] == 1
    assert await _count(admin_conn, "spools", tenant) == 2


async def test_a_reimport_skips_an_archived_spool_and_says_so(api, client, admin_conn) -> None:
    tenant = api.tenant()
    header = "external_id,material,brand,color_name,initial_weight,current_weight\n"
    first = (
        await _post(client, "spools", tenant, header + "a1,PLA,Acme,Red,1000,900\na2,PLA,Acme,Red,1000,800\n")
    ).json()
    spool_id = first["results"][-1]["id"]
    archived = await client.post(f"/api/v1/spools/{spool_id}/archive", headers=tenant.headers())
    assert archived.status_code == 200, archived.text
    # both weighed again: the active spool is updated, the archived one neither restored nor changed
    text = header + "a1,PLA,Acme,Red,1000,850\na2,PLA,Acme,Red,1000,700\n"
    dry = (await _post(client, "spools", tenant, text, dry_run=True)).json()
    real = (await _post(client, "spools", tenant, text)).json()
    spool = (await client.get(f"/api/v1/spools/{spool_id}", headers=tenant.headers())).json()
    assert (spool["is_archived"], spool["current_weight"]) == (True, 800)
    for body in (dry, real):
        assert (body["created"], body["updated"], body["skipped"], body["failed"]) == (0, 1, 1, 0)
        skipped = [r for r in body["results"] if r["action"] == "skipped"]
        assert [(r["line"], r["id"]) for r in skipped] == [(3, spool_id)]
        assert "archived" in skipped[0]["note"] and "restore" in skipped[0]["note"]
    assert real["applied"] is True
    # restored, the next import updates it
    await client.post(f"/api/v1/spools/{spool_id}/restore", headers=tenant.headers())
    after = (await _post(client, "spools", tenant, text)).json()
    assert (after["updated"], after["skipped"]) == (1, 0)
    await _ledger_balances(admin_conn, tenant)


async def test_bulk_created_spools_have_the_triggers_search_documents(api, client, admin_conn) -> None:
    tenant = api.tenant()
    text = "code,material,brand,color_name,initial_weight,location,supplier,lot_number\n" + "".join(
        f"ZX-{i},PLA,Prusament,Galaxy Black,1000,Shelf {i},Filaments Café,L-{i}\n" for i in range(5)
    )
    assert (await _post(client, "spools", tenant, text)).json()["created"] == 5
    written = await admin_conn.fetch(
        "select code, search_document::text from inventory.spools where tenant_id = $1 order by code",
        tenant.id,
    )
    assert all(r["search_document"] for r in written)
    # the trigger's own document, as any single write makes it
    await admin_conn.execute("update inventory.spools set code = code where tenant_id = $1", tenant.id)
    rebuilt = await admin_conn.fetch(
        "select code, search_document::text from inventory.spools where tenant_id = $1 order by code",
        tenant.id,
    )
    assert written == rebuilt
    terms = await admin_conn.fetch(
        "select term from inventory.spool_search_terms where tenant_id = $1", tenant.id
    )
    assert {"prusament", "galaxy", "cafe", "shelf"} <= {r["term"] for r in terms}
    found = (await client.get("/api/v1/spools", params={"q": "galaxy cafe"}, headers=tenant.headers())).json()
    assert found["total"] == 5
