"""Pure credential rules: secrets, their hashes, API-key format and who may issue which key."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

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


NOW = datetime(2026, 12, 5, 9, 0, 0, tzinfo=UTC)
GRACE = 20


def _verdict(
    used_at: datetime | None, latest: datetime | None = None, grace: int = GRACE
) -> rules.RefreshVerdict:
    return rules.refresh_verdict(used_at=used_at, latest_rotation=latest, now=NOW, grace_seconds=grace)


def test_a_never_used_refresh_token_is_rotated() -> None:
    assert _verdict(None) is rules.RefreshVerdict.ROTATE
    assert _verdict(None, grace=0) is rules.RefreshVerdict.ROTATE


def test_the_latest_rotation_is_honoured_again_within_the_grace_window() -> None:
    just_now = NOW - timedelta(seconds=1)
    assert _verdict(just_now, latest=just_now) is rules.RefreshVerdict.GRACE
    almost = NOW - timedelta(seconds=GRACE) + timedelta(microseconds=1)
    assert _verdict(almost, latest=almost) is rules.RefreshVerdict.GRACE
    # Another replica's clock a little ahead: counts as just now, not as theft.
    ahead = NOW + timedelta(seconds=2)
    assert _verdict(ahead, latest=ahead) is rules.RefreshVerdict.GRACE


def test_reuse_at_or_after_the_end_of_the_window_is_theft() -> None:
    at_the_end = NOW - timedelta(seconds=GRACE)
    assert _verdict(at_the_end, latest=at_the_end) is rules.RefreshVerdict.THEFT
    long_ago = NOW - timedelta(hours=3)
    assert _verdict(long_ago, latest=long_ago) is rules.RefreshVerdict.THEFT


def test_only_the_familys_latest_rotation_qualifies() -> None:
    older = NOW - timedelta(seconds=3)
    newer = NOW - timedelta(seconds=1)
    assert _verdict(older, latest=newer) is rules.RefreshVerdict.THEFT
    assert _verdict(newer, latest=newer) is rules.RefreshVerdict.GRACE


def test_a_zero_window_turns_the_grace_off() -> None:
    just_now = NOW - timedelta(milliseconds=10)
    assert _verdict(just_now, latest=just_now, grace=0) is rules.RefreshVerdict.THEFT
