"""Pure translations of the Spoolman-compatible API: ids, lengths ↔ grams, use/measure semantics, the list
query language and the response shapes (written from Spoolman's published API: its models and endpoint
descriptions)."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.spoolman_compat import feed, mapping, present
from batchivo_inventory.spoolman_compat.mapping import SortKey, Terms
from batchivo_inventory.spools.models import Spool
from batchivo_inventory.spools.repository import SpoolRow

# --- ids --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "number"), [("FIL-001", 1), ("FIL-042", 42), ("FIL-1000", 1000)])
def test_a_generated_code_is_its_number(code: str, number: int) -> None:
    assert mapping.spool_id(code) == number
    assert mapping.spool_code(number) == code


@pytest.mark.parametrize("code", ["SHELF-A1", "FIL-42", "FIL-0042", "FIL-000", "fil-042", "FIL-01000"])
def test_chosen_and_non_canonical_codes_have_no_id(code: str) -> None:
    # FIL-42 would otherwise be a second spool 42 next to FIL-042.
    assert mapping.spool_id(code) is None


@pytest.mark.parametrize("number", [0, -1, 2**63])
def test_ids_no_code_can_have(number: int) -> None:
    assert mapping.spool_code(number) is None


def test_vendor_ids_are_stable_positive_and_ignore_case_and_spacing() -> None:
    a = mapping.vendor_id("Prusament")
    assert a == mapping.vendor_id("  prusament ") == mapping.vendor_id("PRUSAMENT")
    assert 0 < a < 2**31
    assert mapping.vendor_id("Polymaker") != a
    assert mapping.vendor_id("Proto  Pasta") == mapping.vendor_id("proto pasta")


# --- lengths and weights ----------------------------------------------------------------------------------


def test_one_metre_of_175_pla_weighs_about_three_grams() -> None:
    grams = mapping.grams_from_length(D(1000), D("1.75"), D("1.24"))
    # pi·0.875²·1000 mm³ = 2405.28 mm³ = 2.40528 cm³, times 1.24 g/cm³ = 2.98255 g
    assert float(grams) == pytest.approx(math.pi * 0.875**2 * 1000 / 1000 * 1.24, rel=1e-12)
    assert float(grams) == pytest.approx(2.98255, abs=1e-5)


def test_length_and_grams_are_inverse() -> None:
    grams = mapping.grams_from_length(D("12345.6"), D("2.85"), D("1.27"))
    assert mapping.length_from_grams(grams, D("2.85"), D("1.27")) == pytest.approx(12345.6, rel=1e-9)


def test_a_negative_length_is_negative_grams() -> None:
    assert mapping.grams_from_length(D(-100), D("1.75"), D("1.24")) < 0


def test_density_falls_back_from_the_type_to_its_material_to_pla() -> None:
    assert mapping.density_of(D("1.27"), D("1.24")) == D("1.27")
    assert mapping.density_of(None, D("1.04")) == D("1.04")
    assert mapping.density_of(None, None) == mapping.DEFAULT_DENSITY == D("1.24")


def test_grams_are_rounded_half_up_to_the_ledger_precision() -> None:
    assert mapping.to_grams(0.125) == D("0.13")
    assert mapping.to_grams(2.5) == D("2.50")
    assert mapping.to_grams(-0.004) == D("0.00")


def test_used_weight_is_never_negative() -> None:
    assert mapping.used_weight(D(1000), D(400)) == D(600)
    assert mapping.used_weight(D(1000), D(1200)) == D(0)


# --- use and measure --------------------------------------------------------------------------------------


def test_a_use_within_the_spool_is_one_usage() -> None:
    plan = mapping.plan_use(D(500), D(1000), D("12.34"))
    assert (plan.discrepancy, plan.consumed, plan.refund) == (D(0), D("12.34"), D(0))


def test_using_more_than_is_left_books_a_discrepancy_first_and_empties_the_spool() -> None:
    # Spoolman never refuses a use; our ledger keeps grams_after >= 0 with a discrepancy adjustment.
    plan = mapping.plan_use(D(10), D(1000), D(25))
    assert (plan.discrepancy, plan.consumed, plan.refund) == (D(15), D(25), D(0))
    assert D(10) + plan.discrepancy - plan.consumed == 0


def test_a_negative_use_gives_back_at_most_up_to_the_initial_weight() -> None:
    # Spoolman clamps used_weight at 0: remaining never exceeds the initial weight.
    assert mapping.plan_use(D(900), D(1000), D(-30)).refund == D(30)
    assert mapping.plan_use(D(990), D(1000), D(-30)).refund == D(10)
    assert mapping.plan_use(D(1000), D(1000), D(-30)).empty
    assert mapping.plan_use(D(1200), D(1000), D(-5)).empty


def test_a_zero_use_books_nothing() -> None:
    assert mapping.plan_use(D(500), D(1000), D(0)).empty


@pytest.mark.parametrize(
    ("gross", "tare", "net"),
    [(D(750), D(250), D(500)), (D(100), D(250), D(0)), (D(1400), D(250), D(1000)), (D(300), None, D(300))],
)
def test_measure_is_gross_less_tare_clamped_to_the_spool(gross: D, tare: D | None, net: D) -> None:
    assert mapping.measured_net(gross, tare, D(1000)) == net


# --- colours ----------------------------------------------------------------------------------------------


def test_colours_lose_and_regain_their_hash() -> None:
    assert mapping.color_out("#ff8800") == "FF8800"
    assert mapping.color_out(None) is None
    assert mapping.color_in("ff8800") == "#FF8800"
    assert mapping.color_in("FF8800CC") == "#FF8800"
    assert mapping.color_in("") is None
    with pytest.raises(mapping.QueryError):
        mapping.color_in("red")


# --- the list query language ------------------------------------------------------------------------------


def test_terms_are_comma_separated_partial_exact_or_unset() -> None:
    assert mapping.parse_terms(None) is None
    assert mapping.parse_terms("pla, petg") == Terms(partial=("pla", "petg"))
    assert mapping.parse_terms('"PLA"') == Terms(exact=("PLA",))
    assert mapping.parse_terms("") == Terms(unset=True)
    assert mapping.parse_terms('shelf,,"Dry box"') == Terms(
        partial=("shelf",), exact=("Dry box",), unset=True
    )


@pytest.mark.parametrize(
    ("value", "raw", "expected"),
    [
        ("Shelf A", "shelf", True),
        ("Shelf A", "box,helf", True),
        ("Shelf A", '"shelf"', False),
        ("Shelf", '"shelf"', True),
        (None, "", True),
        ("", "", True),
        ("Shelf A", "", False),
        (None, "shelf", False),
    ],
)
def test_terms_match_like_spoolman(value: str | None, raw: str, expected: bool) -> None:
    terms = mapping.parse_terms(raw)
    assert terms is not None
    assert mapping.matches(value, terms) is expected


def test_ids_are_comma_separated_integers() -> None:
    assert mapping.parse_ids(None, "filament.id") is None
    assert mapping.parse_ids("1,2,-1", "filament.id") == (1, 2, -1)
    with pytest.raises(mapping.QueryError, match=r"filament\.id"):
        mapping.parse_ids("1,x", "filament.id")


def test_sorts_are_field_direction_pairs() -> None:
    allowed = frozenset({"id", "location", "filament.name"})
    assert mapping.parse_sort(None, allowed) == ()
    assert mapping.parse_sort("filament.name:asc,location:desc,id", allowed) == (
        SortKey("filament.name", False),
        SortKey("location", True),
        SortKey("id", False),
    )
    with pytest.raises(mapping.QueryError, match="Cannot sort"):
        mapping.parse_sort("price:asc", allowed)
    with pytest.raises(mapping.QueryError, match="direction"):
        mapping.parse_sort("id:up", allowed)


# --- shapes -----------------------------------------------------------------------------------------------

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _row(**spool: object) -> SpoolRow:
    material = MaterialType(id=uuid.uuid4(), code="PETG", name="PETG", density=D("1.27"))
    filament = FilamentType(
        id=uuid.uuid4(),
        brand="Prusament",
        color_name="Galaxy Black",
        color_hex="#1a1a1a",
        diameter_mm=D("1.75"),
        density=None,
        extruder_temp=240,
        bed_temp=None,
        spoolman_id=7,
        created_at=NOW,
    )
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "code": "FIL-042",
        "initial_weight": D(1000),
        "current_weight": D("750.5"),
        "empty_spool_weight": D(200),
        "purchase_price": None,
        "location": "Shelf A",
        "lot_number": None,
        "notes": None,
        "is_archived": False,
        "created_at": NOW,
        **spool,
    }
    return SpoolRow(Spool(**values), filament, material)


def test_a_spool_in_spoolmans_shape() -> None:
    used = (datetime(2026, 12, 2, tzinfo=UTC), datetime(2026, 12, 3, tzinfo=UTC))
    out = present.spool_out(_row(), used).model_dump(mode="json", exclude_none=True)
    length_per_gram = mapping.length_from_grams(D(1), D("1.75"), D("1.27"))
    assert out.pop("remaining_length") == pytest.approx(750.5 * length_per_gram, abs=0.1)
    assert out.pop("used_length") == pytest.approx(249.5 * length_per_gram, abs=0.1)
    assert out == {
        "id": 42,
        "registered": "2026-12-01T10:00:00Z",
        "first_used": "2026-12-02T00:00:00Z",
        "last_used": "2026-12-03T00:00:00Z",
        "filament": {
            "id": 7,
            "registered": "2026-12-01T10:00:00Z",
            "name": "Galaxy Black",
            "vendor": {
                "id": mapping.vendor_id("Prusament"),
                "registered": "2026-12-01T10:00:00Z",
                "name": "Prusament",
                "extra": {},
            },
            "material": "PETG",
            "density": 1.27,  # the material's: the type has none
            "diameter": 1.75,
            "settings_extruder_temp": 240,
            "color_hex": "1A1A1A",
            "extra": {},
        },
        "remaining_weight": 750.5,
        "initial_weight": 1000.0,
        "spool_weight": 200.0,
        "used_weight": 249.5,
        "location": "Shelf A",
        "archived": False,
        "extra": {},
    }


def test_a_spool_above_its_initial_weight_has_used_nothing() -> None:
    out = present.spool_out(_row(current_weight=D(1100)))
    assert out.used_weight == 0
    assert out.used_length == 0
    assert out.remaining_weight == 1100
    assert out.first_used is None and out.last_used is None


# --- change messages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "kind"),
    [
        ("inventory.spool.created.v1", "added"),
        ("inventory.spool.updated.v1", "updated"),
        ("inventory.spool.archived.v1", "deleted"),
        ("inventory.spool.deleted.v1", "deleted"),
        ("inventory.spool.moved.v1", None),
        ("inventory.filament_type.updated.v1", None),
        ("inventory.spool", None),
    ],
)
def test_our_spool_events_in_spoolmans_words(event_type: str, kind: str | None) -> None:
    assert feed.spoolman_type(event_type) == kind


async def test_the_hub_pushes_to_the_tenants_sockets_only_and_drops_the_oldest() -> None:
    hub = feed.Hub()
    shop, other = uuid.uuid4(), uuid.uuid4()
    with hub.subscribe(shop) as mine, hub.subscribe(other) as theirs:
        assert hub.listening(shop) and hub.listening(other)
        for n in range(feed.QUEUE_SIZE + 3):
            hub.push(shop, {"n": n})
        assert theirs.empty()
        assert mine.qsize() == feed.QUEUE_SIZE
        assert mine.get_nowait() == {"n": 3}
    assert not hub.listening(shop) and not hub.listening(other)


def test_the_source_of_a_report_names_the_api_key() -> None:
    from batchivo_common.auth.tokens import Principal, Role
    from batchivo_inventory.spoolman_compat.service import source_of

    key_id = uuid.uuid4()

    def principal(key: uuid.UUID | None, name: str | None) -> Principal:
        return Principal(uuid.uuid4(), uuid.uuid4(), Role.member, "j", 0, key, None, api_key_name=name)

    assert source_of(principal(key_id, "voron-1")) == "spoolman-compat: voron-1"
    assert source_of(principal(key_id, "  Prusa   MK4 ")) == "spoolman-compat: Prusa MK4"
    assert source_of(principal(key_id, None)) == f"spoolman-compat: {key_id}"
    assert source_of(principal(key_id, "   ")) == f"spoolman-compat: {key_id}"
    assert source_of(principal(None, None)) == "spoolman-compat"
    assert len(source_of(principal(key_id, "x" * 300))) == 200


@pytest.mark.parametrize(
    ("event_type", "kind"),
    [
        ("inventory.filament_type.created.v1", "added"),
        ("inventory.filament_type.updated.v1", "updated"),
        ("inventory.filament_type.deleted.v1", "deleted"),
        ("inventory.spool.updated.v1", None),
        ("inventory.spool.usage_reported.v1", None),
    ],
)
def test_our_filament_type_events_in_spoolmans_words(event_type: str, kind: str | None) -> None:
    assert feed.filament_type(event_type) == kind
    if event_type.startswith("inventory.spool."):
        assert feed.spoolman_type("inventory.spool.usage_reported.v1") is None  # not a spool change


async def test_the_hub_keeps_each_resources_sockets_apart() -> None:
    hub = feed.Hub()
    shop = uuid.uuid4()
    with hub.subscribe(shop, "spool") as spools, hub.subscribe(shop, "vendor") as vendors:
        hub.vendors[shop] = {}
        assert hub.listening(shop, "spool") and hub.listening(shop, "vendor")
        assert not hub.listening(shop, "filament")
        hub.push(shop, {"n": 1}, "vendor")
        assert spools.empty() and vendors.get_nowait() == {"n": 1}
    assert shop not in hub.vendors  # the last vendor socket left: its vendors are forgotten


def test_vendor_changes_are_spoolmans_added_updated_deleted() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)

    def v(name: str) -> present.VendorRow:
        return present.VendorRow(mapping.vendor_id(name), name, when)

    before = {x.id: x for x in (v("Prusament"), v("Polymaker"), v("eSun"))}
    respelled = present.VendorRow(mapping.vendor_id("esun"), "ESUN", when)  # same id: spelling only
    after = {x.id: x for x in (v("Prusament"), respelled, v("Elegoo"))}
    assert feed.vendor_changes(before, after) == [
        ("added", v("Elegoo")),
        ("updated", respelled),
        ("deleted", v("Polymaker")),
    ]
    assert feed.vendor_changes(before, before) == []


def test_a_deleted_filaments_payload_comes_from_its_last_event() -> None:
    data = {
        "spoolman_id": 7,
        "brand": "Prusament",
        "color_name": "Galaxy Black",
        "material_code": "PLA",
        "diameter_mm": 1.75,
        "color_hex": "#112233",
    }
    assert feed.deleted_filament(data) == {
        "id": 7,
        "name": "Galaxy Black",
        "vendor": {"id": mapping.vendor_id("Prusament"), "name": "Prusament"},
        "material": "PLA",
        "diameter": 1.75,
        "color_hex": "112233",
    }
    assert feed.deleted_filament({**data, "spoolman_id": None}) is None


def test_settings_are_spoolmans_defaults_but_the_shops_currency() -> None:
    defaults = mapping.settings_out(None)
    assert defaults["currency"] == {"value": '"EUR"', "is_set": False, "type": "string"}
    assert all(not s["is_set"] for s in defaults.values())
    assert mapping.settings_out("GBP")["currency"] == {"value": '"GBP"', "is_set": True, "type": "string"}
    assert {k: v for k, v in mapping.settings_out("GBP").items() if k != "currency"} == {
        k: v for k, v in defaults.items() if k != "currency"
    }
