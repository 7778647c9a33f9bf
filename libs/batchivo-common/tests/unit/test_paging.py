import pytest
from batchivo_common.errors import AppError
from batchivo_common.pagination import parse_sort


def test_parse_sort_accepts_whitelisted_fields_only() -> None:
    assert parse_sort("-created_at", ["created_at", "code"], "code") == ("created_at", True)
    assert parse_sort(None, ["created_at", "code"], "code") == ("code", False)
    with pytest.raises(AppError) as info:
        parse_sort("password_hash", ["created_at"], "created_at")
    assert info.value.status_code == 422
