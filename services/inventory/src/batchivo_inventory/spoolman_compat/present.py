"""Our rows in Spoolman's shapes (pure: ORM objects in, schema objects out; no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.spoolman_compat import mapping, schemas
from batchivo_inventory.spools.repository import SpoolRow


@dataclass(frozen=True, slots=True)
class VendorRow:
    """A vendor: the brand (first spelling seen) of one or more filament types."""

    id: int
    name: str
    registered: datetime


def vendor_out(vendor: VendorRow) -> schemas.SpoolmanVendor:
    return schemas.SpoolmanVendor(id=vendor.id, registered=vendor.registered, name=vendor.name)


def filament_out(
    filament: FilamentType, material: MaterialType, vendor_registered: datetime | None = None
) -> schemas.SpoolmanFilament:
    """``vendor_registered``: when the brand first appeared (the vendor's ``registered``); defaults to the
    filament's own creation time."""
    return schemas.SpoolmanFilament(
        id=filament.spoolman_id,
        registered=filament.created_at,
        name=filament.color_name,
        vendor=schemas.SpoolmanVendor(
            id=mapping.vendor_id(filament.brand),
            registered=vendor_registered or filament.created_at,
            name=filament.brand,
        ),
        material=material.code,
        density=float(mapping.density_of(filament.density, material.density)),
        diameter=float(filament.diameter_mm),
        settings_extruder_temp=filament.extruder_temp,
        settings_bed_temp=filament.bed_temp,
        color_hex=mapping.color_out(filament.color_hex),
    )


def spool_out(
    row: SpoolRow,
    used: tuple[datetime, datetime] | None = None,
    vendor_registered: datetime | None = None,
) -> schemas.SpoolmanSpool:
    """``used``: the spool's first and last usage times (Spoolman's ``first_used``/``last_used``)."""
    s, f, m = row.spool, row.filament, row.material
    number = mapping.spool_id(s.code)
    if number is None:  # pragma: no cover - the queries only return spools with a generated code
        raise ValueError(f"spool {s.code} has no Spoolman id")
    density = mapping.density_of(f.density, m.density)
    used_weight = mapping.used_weight(s.initial_weight, s.current_weight)
    return schemas.SpoolmanSpool(
        id=number,
        registered=s.created_at,
        first_used=used[0] if used else None,
        last_used=used[1] if used else None,
        filament=filament_out(f, m, vendor_registered),
        price=float(s.purchase_price) if s.purchase_price is not None else None,
        remaining_weight=mapping.grams_out(s.current_weight),
        initial_weight=mapping.grams_out(s.initial_weight),
        spool_weight=float(s.empty_spool_weight) if s.empty_spool_weight is not None else None,
        used_weight=mapping.grams_out(used_weight),
        remaining_length=round(mapping.length_from_grams(s.current_weight, f.diameter_mm, density), 1),
        used_length=round(mapping.length_from_grams(used_weight, f.diameter_mm, density), 1),
        location=s.location,
        lot_nr=s.lot_number,
        comment=s.notes,
        archived=s.is_archived,
    )
