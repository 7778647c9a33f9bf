"""Scanned-code lookup and retail codes remembered per filament type, over HTTP on a real database."""

from __future__ import annotations

import uuid

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db

EAN = "4006381333931"
UPC = "036000291452"


async def test_a_spool_is_found_by_its_code_in_any_case_and_by_its_id(api, client) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant)
    for raw in (spool["code"], spool["code"].lower(), spool["id"]):
        response = await client.get(f"/api/v1/barcodes/{raw}", headers=tenant.headers(Role.viewer))
        assert response.status_code == 200, response.text
        assert response.json() == {
            "kind": "spool",
            "id": spool["id"],
            "code": spool["code"],
            "filament_type_id": spool["filament_type_id"],
        }


async def test_remember_a_retail_code_then_a_scan_names_the_filament_type(api, client) -> None:
    tenant = api.tenant()
    filament = await api.filament_type(tenant)
    unknown = await client.get(f"/api/v1/barcodes/{EAN}", headers=tenant.headers())
    api.error(unknown, 404, "UNKNOWN_BARCODE")

    created = await client.post(
        f"/api/v1/filament-types/{filament['id']}/barcodes",
        json={"code": f" {EAN} "},
        headers=tenant.headers(),
    )
    assert created.status_code == 201, created.text
    assert created.json()["code"] == EAN and created.json()["filament_type_id"] == filament["id"]

    found = await client.get(f"/api/v1/barcodes/{EAN}", headers=tenant.headers(Role.viewer))
    assert found.status_code == 200
    assert found.json() == {
        "kind": "filament_type",
        "id": filament["id"],
        "code": EAN,
        "filament_type_id": filament["id"],
    }

    # Remembering it again for the same type changes nothing.
    again = await client.post(
        f"/api/v1/filament-types/{filament['id']}/barcodes", json={"code": EAN}, headers=tenant.headers()
    )
    assert again.status_code == 200 and again.json()["created_at"] == created.json()["created_at"]
    listing = await client.get(
        f"/api/v1/filament-types/{filament['id']}/barcodes", headers=tenant.headers(Role.viewer)
    )
    assert [item["code"] for item in listing.json()["items"]] == [EAN]


async def test_upc_a_and_its_ean13_spelling_are_one_code(api, client) -> None:
    tenant = api.tenant()
    filament = await api.filament_type(tenant)
    created = await client.post(
        f"/api/v1/filament-types/{filament['id']}/barcodes", json={"code": UPC}, headers=tenant.headers()
    )
    assert created.status_code == 201 and created.json()["code"] == "0" + UPC
    for raw in (UPC, "0" + UPC):
        found = await client.get(f"/api/v1/barcodes/{raw}", headers=tenant.headers())
        assert found.status_code == 200 and found.json()["id"] == filament["id"]


async def test_one_code_names_one_type_per_shop_but_other_shops_may_use_it(api, client) -> None:
    a, b = api.tenant(), api.tenant()
    first, second = await api.filament_type(a), await api.filament_type(a)
    assert (
        await client.post(
            f"/api/v1/filament-types/{first['id']}/barcodes", json={"code": EAN}, headers=a.headers()
        )
    ).status_code == 201
    taken = await client.post(
        f"/api/v1/filament-types/{second['id']}/barcodes", json={"code": EAN}, headers=a.headers()
    )
    api.error(taken, 409, "BARCODE_TAKEN")
    listing = await client.get(f"/api/v1/filament-types/{second['id']}/barcodes", headers=a.headers())
    assert listing.json()["items"] == []

    other = await api.filament_type(b)
    api.error(await client.get(f"/api/v1/barcodes/{EAN}", headers=b.headers()), 404, "UNKNOWN_BARCODE")
    assert (
        await client.post(
            f"/api/v1/filament-types/{other['id']}/barcodes", json={"code": EAN}, headers=b.headers()
        )
    ).status_code == 201
    assert (await client.get(f"/api/v1/barcodes/{EAN}", headers=b.headers())).json()["id"] == other["id"]
    assert (await client.get(f"/api/v1/barcodes/{EAN}", headers=a.headers())).json()["id"] == first["id"]
    # Another shop's type is not found, and a spool of another shop is not found by its code.
    api.error(
        await client.post(
            f"/api/v1/filament-types/{other['id']}/barcodes",
            json={"code": "5901234123457"},
            headers=a.headers(),
        ),
        404,
        "NOT_FOUND",
    )
    spool = await api.spool(b)
    api.error(await client.get(f"/api/v1/barcodes/{spool['code']}", headers=a.headers()), 404, "UNKNOWN_CODE")


async def test_bad_input_is_refused_and_changes_nothing(api, client) -> None:
    tenant = api.tenant()
    filament = await api.filament_type(tenant)
    url = f"/api/v1/filament-types/{filament['id']}/barcodes"
    for raw, code in (
        ("4006381333932", "INVALID_BARCODE"),
        ("12345", "INVALID_BARCODE"),
        ("abc", "INVALID_BARCODE"),
    ):
        body = api.error(await client.post(url, json={"code": raw}, headers=tenant.headers()), 422, code)
        assert body["detail"]
    api.error(await client.post(url, json={"code": ""}, headers=tenant.headers()), 422, "VALIDATION_ERROR")
    api.error(
        await client.post(url, json={"code": EAN, "x": 1}, headers=tenant.headers()), 422, "VALIDATION_ERROR"
    )
    api.error(
        await client.post(
            f"/api/v1/filament-types/{uuid.uuid4()}/barcodes", json={"code": EAN}, headers=tenant.headers()
        ),
        404,
        "NOT_FOUND",
    )
    api.error(await client.post(url, json={"code": EAN}, headers=tenant.headers(Role.viewer)), 403)
    api.error(
        await client.get(f"/api/v1/barcodes/{'9' * 65}", headers=tenant.headers()), 422, "VALIDATION_ERROR"
    )
    api.error(await client.get("/api/v1/barcodes/not-a-code", headers=tenant.headers()), 404, "UNKNOWN_CODE")
    assert (await client.get(url, headers=tenant.headers())).json()["items"] == []


async def test_forget_a_code_and_deleting_the_type_forgets_its_codes(api, client) -> None:
    tenant = api.tenant()
    filament = await api.filament_type(tenant)
    url = f"/api/v1/filament-types/{filament['id']}/barcodes"
    for code in (EAN, "5901234123457"):
        assert (await client.post(url, json={"code": code}, headers=tenant.headers())).status_code == 201
    api.error(await client.delete(f"{url}/{EAN}", headers=tenant.headers(Role.member)), 403)
    assert (await client.delete(f"{url}/{EAN}", headers=tenant.headers(Role.admin))).status_code == 204
    api.error(await client.delete(f"{url}/{EAN}", headers=tenant.headers(Role.admin)), 404, "NOT_FOUND")
    api.error(await client.get(f"/api/v1/barcodes/{EAN}", headers=tenant.headers()), 404, "UNKNOWN_BARCODE")
    assert [i["code"] for i in (await client.get(url, headers=tenant.headers())).json()["items"]] == [
        "5901234123457"
    ]

    deleted = await client.delete(
        f"/api/v1/filament-types/{filament['id']}", headers=tenant.headers(Role.admin)
    )
    assert deleted.status_code == 204, deleted.text
    api.error(
        await client.get("/api/v1/barcodes/5901234123457", headers=tenant.headers()), 404, "UNKNOWN_BARCODE"
    )
