"""Pure import/export rules: CSV reading and checking, Spoolman and SpoolmanDB mapping, CSV cells."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from batchivo_inventory.transfer import rules, spoolman, spoolmandb
from batchivo_inventory.transfer.fetch import UrlRefused, check_url, spoolman_base

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_a_clean_spool_file_parses_with_aliases_semicolons_and_decimal_commas() -> None:
    data = (
        "\ufeffCode;Material;Vendor;Colour;Weight;Remaining;Price;Purchase date;Archived;Spool weight\n"
        "S-1;pla;  Prusa  Research ;Galaxy   Black;1000;640,5;24,99;2026-05-01;yes;180\n"
    ).encode()
    rows, errors = rules.parse_spools(data)
    assert errors == []
    (row,) = rows
    assert (row.line, row.code, row.filament.material, row.filament.brand, row.filament.color_name) == (
        2,
        "S-1",
        "PLA",
        "Prusa Research",
        "Galaxy Black",
    )
    assert (row.initial_weight, row.current_weight, row.purchase_price) == (
        Decimal("1000"),
        Decimal("640.5"),
        Decimal("24.99"),
    )
    assert (row.purchase_date, row.archived, row.empty_spool_weight) == (date(2026, 5, 1), True, Decimal(180))


def test_every_bad_cell_is_reported_with_its_line_and_field() -> None:
    data = (
        b"code,material,brand,color_name,initial_weight,current_weight,purchase_price,purchase_date,"
        b"archived,color_hex,low_stock_threshold_pct\n"
        b"ok-1,PLA,Acme,Red,1000,,,,,,\n"
        b"\n"
        b"bad code,PLA/X,,Red,-5,1.234,2000000,yesterday,perhaps,#12345,101\n"
        b"ok-1,PLA,Acme,Red,500,600,,,,,\n"
    )
    rows, errors = rules.parse_spools(data)
    assert [r.line for r in rows] == [2]
    fields = {(e.line, e.field) for e in errors}
    assert fields == {
        (4, "code"),
        (4, "material"),
        (4, "brand"),
        (4, "initial_weight"),
        (4, "current_weight"),
        (4, "purchase_price"),
        (4, "purchase_date"),
        (4, "archived"),
        (4, "color_hex"),
        (4, "low_stock_threshold_pct"),
        (5, "code"),  # the same code as line 2
        (5, "current_weight"),  # more than the initial weight
    }


def test_a_quoted_multi_line_cell_keeps_the_line_numbers_of_the_rows() -> None:
    data = b'material,brand,color_name,initial_weight,notes\nPLA,A,Red,1000,"two\nlines"\nPLA,A,Blue,x,\n'
    rows, errors = rules.parse_spools(data)
    assert rows[0].notes == "two\nlines"
    assert [(e.line, e.field) for e in errors] == [(4, "initial_weight")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"brand,color_name\nA,B\n", "Missing column(s): material"),
        (b"material,brand,brand\n", "twice"),
        ("material,brand,color_name\n".encode("utf-16"), "NUL"),
    ],
)
def test_unreadable_files_are_refused_whole(data: bytes, message: str) -> None:
    with pytest.raises(rules.FileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        rules.parse_spools(data)


def test_too_many_rows_are_refused() -> None:
    data = b"material,brand,color_name\n" + b"PLA,A,B\n" * (rules.MAX_ROWS + 1)
    with pytest.raises(rules.FileError, match="More than"):
        rules.parse_filament_types(data)


def test_windows_1252_files_are_read() -> None:
    rows, errors = rules.parse_filament_types("material,brand,color_name\nPLA,Café,Crème\n".encode("cp1252"))
    assert errors == [] and (rows[0].brand, rows[0].color_name) == ("Café", "Crème")


def test_filament_type_duplicates_by_natural_key_are_errors() -> None:
    data = b"material,brand,color_name,density\nPLA,Acme,Red,1.24\npla, ACME ,red,0\n"
    rows, errors = rules.parse_filament_types(data)
    assert len(rows) == 1
    assert {(e.line, e.field) for e in errors} == {(3, "color_name"), (3, "density")}


def test_cells_guard_formulas_and_the_import_undoes_the_guard() -> None:
    assert rules.cell("=HYPERLINK()") == "'=HYPERLINK()"
    assert rules.cell("-5 mm") == "'-5 mm"
    assert rules.cell(Decimal("1000.00")) == "1000.00"
    assert (
        rules.cell(None) == "" and rules.cell(True) == "true" and rules.cell(date(2026, 1, 2)) == "2026-01-02"
    )
    text = rules.csv_text([["code", "brand"], ["A", "=Evil"]])
    assert text == "code,brand\r\nA,'=Evil\r\n"
    rows, _ = rules.parse_spools(b"code,material,brand,color_name\nA,PLA,'=Evil,Red\n")
    assert rows[0].filament.brand == "=Evil"


def test_hex_and_number_parsing() -> None:
    assert rules.normalize_hex("ff8800") == "#FF8800"
    assert rules.normalize_hex("#FF8800CC") == "#FF8800"
    assert rules.normalize_hex("red") is None
    assert rules.parse_decimal("1,5", decimal_comma=True) == Decimal("1.5")
    assert rules.parse_decimal("1,5") is None
    assert rules.parse_decimal("NaN") is None and rules.parse_decimal("inf") is None


def test_spoolman_nested_spools_map_to_types_and_weights() -> None:
    types, spools, errors = spoolman.parse_export((FIXTURES / "spoolman_export.json").read_bytes())
    assert types == []  # a plain list of spools: types come with the spools
    assert [(e.line, e.field) for e in errors] == [(4, "initial_weight")]
    first, second, third = spools
    assert (first.external_id, first.filament.brand, first.filament.material) == ("1", "Polymaker", "PLA")
    assert (first.initial_weight, first.used_weight, first.current_weight) == (
        Decimal("1000.00"),
        Decimal("349.50"),
        Decimal("650.50"),
    )
    assert (first.empty_spool_weight, first.purchase_price, first.purchase_date) == (
        Decimal("145.00"),
        Decimal("19.99"),
        date(2026, 3, 1),
    )
    assert second.filament.color_hex == "#1A1A2E" and second.used_weight == 0
    assert second.purchase_price is None
    assert (third.filament.material, third.initial_weight, third.current_weight, third.archived) == (
        "PLA-MATTE",
        Decimal("750.00"),
        Decimal("0.00"),
        True,
    )


def test_spoolman_flattened_export_and_bundle_are_the_same_spools() -> None:
    nested = json.loads((FIXTURES / "spoolman_export.json").read_text())
    flat = []
    for item in nested[:2]:
        record = {k: v for k, v in item.items() if k != "filament"}
        record["filament_id"] = item["filament"]["id"]
        flat.append(record)
    filaments = [
        {
            **{k: v for k, v in i["filament"].items() if k != "vendor"},
            "vendor_id": i["filament"]["vendor"]["id"],
        }
        for i in nested[:2]
    ]
    vendors = [i["filament"]["vendor"] for i in nested[:2]]
    bundle = json.dumps({"vendors": vendors, "filaments": filaments, "spools": flat}).encode()
    types, spools, errors = spoolman.parse_export(bundle)
    assert errors == []
    assert [t.brand for t in types] == ["Polymaker", "Prusament"]
    assert [(s.filament.brand, s.current_weight) for s in spools] == [
        ("Polymaker", Decimal("650.50")),
        ("Prusament", Decimal("1000.00")),
    ]
    dotted = {
        "id": 9,
        "filament.name": "X",
        "filament.material": "abs",
        "filament.weight": 500,
        "used_weight": 600,
    }
    (_, parsed, _) = spoolman.parse_bundle([dotted])
    assert (parsed[0].filament.material, parsed[0].current_weight) == ("ABS", Decimal("0.00"))


def test_spoolman_material_names_become_codes() -> None:
    assert spoolman.material_code("PLA Silk") == "PLA-SILK"
    assert spoolman.material_code("pla+") == "PLA+"
    assert spoolman.material_code(None) == "PLA"
    assert spoolman.material_code("  ") == "PLA"


def test_spoolmandb_catalogue_gives_one_type_per_colour() -> None:
    types, errors = spoolmandb.parse_catalogue((FIXTURES / "spoolmandb_acme.json").read_bytes())
    assert [(e.line, e.field) for e in errors] == [(6, "colors")]
    assert [(t.material, t.color_name, t.color_hex, t.diameter_mm) for t in types] == [
        ("PLA", "Signal Red", "#D32F2F", Decimal("1.75")),
        ("PLA", "Deep Black", "#111111", Decimal("1.75")),
        ("PLA", "Arctic White", "#FAFAFA", Decimal("1.75")),
        ("PLA-SILK", "Silk Rainbow", "#FF0000", Decimal("2.85")),
        ("PETG", "Galaxy Black", "#1A1A2E", Decimal("1.75")),
    ]
    assert {t.brand for t in types} == {"Acme Filaments"}
    assert types[3].finish == "glossy" and types[0].extruder_temp == 210


@pytest.mark.parametrize("text", ["[]", '{"manufacturer": "X"}', '{"filaments": []}', "{not json"])
def test_spoolmandb_refuses_other_documents(text: str) -> None:
    with pytest.raises(rules.FileError):
        spoolmandb.parse_catalogue(text.encode())


def test_spoolman_base_url() -> None:
    assert spoolman_base("http://h:7912/") == "http://h:7912"
    assert spoolman_base("http://h:7912/api/v1/") == "http://h:7912"
    assert spoolman_base("http://h:7912/api/v1/spool") == "http://h:7912"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "http://127.0.0.1:7912",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://u:p@example.com/",
    ],
)
async def test_private_and_odd_urls_are_refused(url: str) -> None:
    with pytest.raises(UrlRefused):
        await check_url(url, allow_private=False)


async def test_private_urls_pass_when_allowed() -> None:
    await check_url("http://127.0.0.1:7912", allow_private=True)


def test_a_spoolman_instance_is_its_normalised_url_or_its_name() -> None:
    from batchivo_inventory.transfer import instances

    assert instances.instance_url("HTTP://Spoolman.LAN:80/sm/api/v1/") == "http://spoolman.lan/sm"
    assert instances.instance_url("https://h.example:443/") == "https://h.example"
    assert instances.instance_url("http://h:7912/api/v1/spool") == "http://h:7912"
    assert instances.instance_url("http://[::1]:7912/") == "http://[::1]:7912"
    same = {instances.source_of_url(u) for u in ("http://H:7912", "http://h:7912/", "http://h:7912/api/v1")}
    assert len(same) == 1
    assert instances.source_of_url("http://h:7912") != instances.source_of_url("http://h:7913")
    assert instances.source_of_name(" Work  shop ") == instances.source_of_name("work shop")
    assert instances.source_of_name("   ") == instances.source_of_name(None) == "spoolman"
    # the URL and the name namespaces never meet, and every namespace fits import_keys.source (32)
    assert instances.source_of_name("http://h:7912") != instances.source_of_url("http://h:7912")
    assert all(len(instances.source_of_url(f"http://{'x' * 200}.lan/{i}")) <= 32 for i in range(3))
