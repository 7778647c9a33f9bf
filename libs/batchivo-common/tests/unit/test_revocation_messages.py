"""The deny-list's announcements (ADR 0027): what auth writes is what the gateway reads back."""

from __future__ import annotations

from batchivo_common.auth import revocation


def test_an_announcement_reads_back() -> None:
    message = revocation.denied_message("3f2a", 899)
    assert revocation.parse_denied_message(message) == ("3f2a", 899)
    assert revocation.parse_denied_message(message.encode()) == ("3f2a", 899)


def test_anything_else_on_the_channel_is_ignored() -> None:
    for junk in ("", "3f2a", "3f2a ", " 899", "3f2a -1", "3f2a soon", b"\xff\xfe"):
        assert revocation.parse_denied_message(junk) is None


def test_keys_and_channel_carry_the_prefix() -> None:
    assert revocation.deny_key("p:", "j") == "p:auth:deny:j"
    assert revocation.denied_channel("p:") == "p:auth:denied"
