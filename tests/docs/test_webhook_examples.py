"""The webhook verification code of docs/api.md — the files docs/examples/verify_webhook.py and .mjs and the
snippets printed in the guide itself — against signatures computed here independently: HMAC-SHA256 keyed by
the secret over "<timestamp>.<raw body>"."""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLES = DOCS / "examples"
SECRET = "whsec_x3Jb1uHq0y7mB1jRZl2n9mM1m2S0mQmYc7qfXbqvKzE"
OLD_SECRET = "whsec_previous-secret-still-signing-for-24h"
NOW = 1_796_000_000
# Compact JSON with a non-ASCII character: the bytes must be used as received.
BODY = json.dumps(
    {
        "data": {"code": "FIL-001", "color_name": "Grün"},
        "delivery_id": "d6a7c2de-5c3b-4e07-9f83-1f4e3c1d2b10",
        "event_id": "0e4f8f0e-3a59-4a0e-8f0d-2b6ff6b4a001",
        "occurred_at": "2026-12-06T22:51:24Z",
        "tenant_id": "5b2d5c5e-8f43-4c7a-9d89-0a4a8d7f1c22",
        "type": "inventory.spool.created.v1",
    },
    separators=(",", ":"),
    sort_keys=True,
    ensure_ascii=False,
).encode()


def _sign(secret: str, timestamp: int | str, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def _headers(signature: str, timestamp: int | str = NOW) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "Batchivo-Webhook-Id": "d6a7c2de-5c3b-4e07-9f83-1f4e3c1d2b10",
        "Batchivo-Webhook-Timestamp": str(timestamp),
        "Batchivo-Event-Type": "inventory.spool.created.v1",
        "Batchivo-Webhook-Signature": signature,
    }


GOOD = f"v1={_sign(SECRET, NOW, BODY)}"
#: (headers, body, now, expected)
CASES: list[tuple[dict[str, str], bytes, float, bool]] = [
    (_headers(GOOD), BODY, NOW, True),
    (_headers(GOOD), BODY, NOW + 300, True),  # at the edge of the replay window
    (_headers(GOOD), BODY, NOW - 300, True),
    (_headers(GOOD), BODY, NOW + 301, False),  # a replay after the window
    (_headers(GOOD), BODY, NOW - 301, False),  # a timestamp from the future
    # a rotation: the new and the old secret's values, either order
    (_headers(f"v1={_sign('another', NOW, BODY)} {GOOD}"), BODY, NOW, True),
    (_headers(f"{GOOD} v1={_sign(OLD_SECRET, NOW, BODY)}"), BODY, NOW, True),
    (_headers(f"v1={_sign(OLD_SECRET, NOW, BODY)}"), BODY, NOW, False),  # only the other secret
    (_headers(GOOD), BODY.replace("Grün".encode(), b"Gr\\u00fcn"), NOW, False),  # re-serialised body
    (_headers(GOOD), BODY + b" ", NOW, False),
    (_headers(GOOD, NOW + 1), BODY, NOW, False),  # the timestamp is signed too
    (_headers(GOOD.upper()), BODY, NOW, False),
    (_headers(GOOD[:-2]), BODY, NOW, False),
    (_headers(GOOD + "00"), BODY, NOW, False),
    (_headers(GOOD + "zz"), BODY, NOW, False),
    (_headers("v0=" + GOOD[3:]), BODY, NOW, False),
    (_headers(""), BODY, NOW, False),
    (_headers(GOOD, "not-a-number"), BODY, NOW, False),
    ({k.lower(): v for k, v in _headers(GOOD).items()}, BODY, NOW, True),  # header names any case
]


def _guide_block(language: str, marker: str) -> str:
    """The fenced ``language`` block of docs/api.md that contains ``marker``."""
    blocks = re.findall(rf"```{language}\n(.*?)```", (DOCS / "api.md").read_text(), flags=re.DOTALL)
    [block] = [b for b in blocks if marker in b]
    return block


def _python_verifier(source: str) -> Callable[..., bool]:
    if source == "file":
        spec = importlib.util.spec_from_file_location("verify_webhook", EXAMPLES / "verify_webhook.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        verify: Callable[..., bool] = module.verify_webhook
        return verify
    namespace: dict[str, Any] = {}
    exec(compile(_guide_block("python", "def verify_webhook"), "docs/api.md", "exec"), namespace)
    guide: Callable[..., bool] = namespace["verify_webhook"]
    return guide


@pytest.mark.parametrize("source", ["file", "guide"])
def test_the_python_example_verifies_the_documented_signature(source: str) -> None:
    verify = _python_verifier(source)
    results = [verify(SECRET, headers, body, now=now) for headers, body, now, _ in CASES]
    assert results == [expected for *_, expected in CASES]


NODE_RUNNER = """
import { verifyWebhook } from %s;
let input = "";
for await (const chunk of process.stdin) input += chunk;
const { secret, cases } = JSON.parse(input);
const results = cases.map(([headers, body, now]) =>
  verifyWebhook({ secret, headers, rawBody: Buffer.from(body, "base64"), now }));
process.stdout.write(JSON.stringify(results));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is needed for the JavaScript example")
@pytest.mark.parametrize("source", ["file", "guide"])
def test_the_javascript_example_verifies_exactly_the_documented_signature(
    source: str, tmp_path: Path
) -> None:
    import base64

    path = EXAMPLES / "verify_webhook.mjs"
    if source == "guide":
        path = tmp_path / "guide.mjs"
        path.write_text(_guide_block("js", "export function verifyWebhook"))
    module = json.dumps(path.as_uri())
    payload: dict[str, Any] = {
        "secret": SECRET,
        "cases": [[headers, base64.b64encode(body).decode(), now] for headers, body, now, _ in CASES],
    }
    done = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_RUNNER % module],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(done.stdout) == [expected for *_, expected in CASES]


def test_both_examples_compare_in_constant_time() -> None:
    assert "hmac.compare_digest(" in (EXAMPLES / "verify_webhook.py").read_text()
    assert "timingSafeEqual(" in (EXAMPLES / "verify_webhook.mjs").read_text()
