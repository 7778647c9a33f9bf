"""If-Match parsing and matching (the HTTP behaviour is tested per service, tests/api/test_etags.py)."""

from __future__ import annotations

import uuid

import pytest
from batchivo_common.concurrency import etag, parse_if_match
from batchivo_common.errors import BadRequest


def test_the_tag_is_strong_and_names_id_and_version() -> None:
    resource = uuid.UUID("3f2c0000-0000-4000-8000-000000000001")
    assert etag(resource, 7) == '"3f2c0000-0000-4000-8000-000000000001-7"'


def test_absent_star_and_lists() -> None:
    assert parse_if_match(None) is None
    assert parse_if_match("  ") is None
    star = parse_if_match(" * ")
    assert star is not None
    assert star.matches('"anything-1"')
    listed = parse_if_match('"a-1", W/"b-2" ,"c-3"')
    assert listed is not None
    assert listed.tags == ('"a-1"', 'W/"b-2"', '"c-3"')
    assert listed.matches('"a-1"')
    assert listed.matches('"c-3"')
    assert not listed.matches('"b-2"')  # a weak tag never matches: If-Match compares strongly
    assert not listed.matches('"a-2"')


@pytest.mark.parametrize("value", ["a-1", '"a-1', '"a-1" "b-2"', '"a-1",,', '*, "a-1"', "W/a-1", '"a\x01"'])
def test_malformed_headers_are_refused(value: str) -> None:
    with pytest.raises(BadRequest) as refused:
        parse_if_match(value)
    assert refused.value.code == "INVALID_IF_MATCH"
