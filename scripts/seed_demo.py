"""Register a demo print shop through the gateway and print its credentials (dev only).

``uv run python scripts/seed_demo.py --base-url http://127.0.0.1:8000``
"""

from __future__ import annotations

import argparse
import secrets
import sys

import httpx


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default=f"demo-{secrets.token_hex(3)}@example.com")
    parser.add_argument("--shop", default="Demo Print Farm")
    args = parser.parse_args(argv)
    password = secrets.token_urlsafe(12)
    response = httpx.post(
        f"{args.base_url}/api/v1/auth/register",
        json={"email": args.email, "password": password, "full_name": "Demo Owner", "tenant_name": args.shop},
        timeout=30,
    )
    if response.status_code != 201:
        print(f"register failed: {response.status_code} {response.text}", file=sys.stderr)
        return 1
    print(f"shop: {args.shop}\nemail: {args.email}\npassword: {password}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
