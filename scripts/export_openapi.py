"""Write each service's OpenAPI document to frontend/openapi/<service>.json (the SPA's typed client is
generated from these files; `make api` regenerates both, `make lint` checks they are current).

The apps are built with their dev defaults and never started, so nothing connects anywhere.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
from pathlib import Path

SERVICES = {
    "auth": "batchivo_auth.main:create_app",
    "inventory": "batchivo_inventory.main:create_app",
    "catalog": "batchivo_catalog.main:create_app",
    "production": "batchivo_production.main:create_app",
    "webhooks": "batchivo_webhooks.main:create_app",
}


def export(service: str, factory_path: str) -> str:
    module_name, factory_name = factory_path.split(":")
    factory = getattr(importlib.import_module(module_name), factory_name)
    document = factory(configure_process=False).openapi()
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main() -> None:
    os.environ.setdefault("BATCHIVO_ENV", "dev")  # required by every settings class; nothing connects here
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("frontend/openapi"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for service, factory_path in SERVICES.items():
        (args.out / f"{service}.json").write_text(export(service, factory_path))


if __name__ == "__main__":
    main()
