"""A Spoolman-shaped surface over the inventory (``/compat/spoolman/api/v1/…``): Klipper/Moonraker, Mainsail,
Fluidd and OctoPrint-Spoolman talk to Batchivo as if it were a Spoolman server (services/inventory/README.md,
"Spoolman compatibility"). Only this package knows Spoolman's shapes and semantics; every change goes
through the spool service and its ledger."""
