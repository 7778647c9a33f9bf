"""Pure credential rules: secrets, their hashes, API-key format and who may issue which key."""

from __future__ import annotations

import hashlib

import pytest
from batchivo_auth.tokens import rules
from batchivo_auth.users.rules import normalize_email
from batchivo_common.auth.tokens import Role


def test_secrets_are_stored_as_sha256_hex() -> None:
    assert rules.hash_secret("abc") == hashlib.sha256(b"abc").hexdigest()
    assert len(rules.hash_secret(rules.new_refresh_token())) == 64


def test_refresh_tokens_are_long_random_and_url_safe() -> None:
    tokens = {rules.new_refresh_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(t) == 43 and t.replace("-", "").replace("_", "").isalnum() for t in tokens)
    assert all(len(t) <= rules.REFRESH_TOKEN_MAX_LENGTH for t in tokens)


def test_api_keys_have_the_documented_format_and_parse_back() -> None:
    for _ in range(200):  # many, so a "_" or "-" in the secret is certainly met
        key, prefix = rules.new_api_key()
        assert key.startswith(f"bvk_{prefix}_")
        assert len(prefix) == 8
        assert prefix.isalnum()
        assert rules.api_key_prefix(key) == prefix
        assert len(key) <= rules.API_KEY_MAX_LENGTH


@pytest.mark.parametrize(
    "key",
    [
        "",
        "bvk_",
        "bvk_short_" + "x" * 43,
        "xyz_ABCDEFGH_" + "x" * 43,
        "bvk_ABCDEFGH_" + "x" * 10,
        "bvk_ABC_EFGH_x",
    ],
)
def test_malformed_api_keys_have_no_prefix(key: str) -> None:
    assert rules.api_key_prefix(key) is None


@pytest.mark.parametrize(
    ("actor", "role", "allowed"),
    [
        (Role.member, Role.viewer, False),
        (Role.admin, Role.viewer, True),
        (Role.admin, Role.admin, True),
        (Role.admin, Role.owner, False),
        (Role.owner, Role.owner, True),
    ],
)
def test_no_key_outranks_its_creator(actor: Role, role: Role, allowed: bool) -> None:
    assert rules.can_issue_api_key(actor, role) is allowed


def test_the_deny_list_entry_lives_until_the_token_expires_and_at_least_a_second() -> None:
    assert rules.deny_ttl_seconds(expires_at=1_000, now=100) == 900
    assert rules.deny_ttl_seconds(expires_at=1_000, now=1_000) == 1
    assert rules.deny_ttl_seconds(expires_at=1_000, now=5_000) == 1


def test_emails_are_case_folded() -> None:
    assert normalize_email("  Ada@Example.COM ") == "ada@example.com"
