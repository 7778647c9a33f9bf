"""The outbox INSERT has one statement shape whatever the events, so SQLAlchemy compiles it once and caches
it. A multi-row VALUES has no cache key at all: it was compiled on every request that wrote an event."""

from __future__ import annotations

import uuid

import pytest
from batchivo_common.messaging.envelope import new_event
from batchivo_common.messaging.outbox import events_cte, outbox_table, relay_wakeup
from sqlalchemy import MetaData, literal_column, select
from sqlalchemy.dialects import postgresql

OUTBOX = outbox_table(MetaData(schema="shop"))
DATA = {"name": "Acme", "slug": "acme", "currency_code": "EUR"}


def _statement(events: int):
    envelopes = [
        new_event("auth.tenant.created.v1", producer="t", tenant_id=uuid.uuid4(), data=DATA)
        for _ in range(events)
    ]
    return select(relay_wakeup(OUTBOX)).add_cte(events_cte(OUTBOX, envelopes))


def test_event_statements_share_one_cache_key_whatever_their_events() -> None:
    keys = [_statement(n)._generate_cache_key() for n in (1, 1, 3)]
    assert all(key is not None for key in keys), "a statement without a cache key is compiled every time"
    assert keys[0] == keys[1] == keys[2]


def test_the_guarded_form_is_cached_too() -> None:
    guard = select(OUTBOX.c.id).cte("guard")
    first, second = (
        select(relay_wakeup(OUTBOX))
        .add_cte(
            events_cte(
                OUTBOX,
                [new_event("auth.tenant.created.v1", producer="t", tenant_id=uuid.uuid4(), data=DATA)],
                only_with=guard,
            )
        )
        ._generate_cache_key()
        for _ in range(2)
    )
    assert first is not None
    assert first == second


def test_an_envelope_value_set_by_the_statement_is_a_fixed_json_path_from_the_guarding_row() -> None:
    drawn = select(literal_column("'FIL-007'").label("code")).cte("drawn")
    cte = events_cte(OUTBOX, None, only_with=drawn, envelope_from={("data", "code"): drawn.c.code})
    sql = str(select(relay_wakeup(OUTBOX)).add_cte(cte).compile(dialect=postgresql.dialect()))
    assert "jsonb_set(unnest(" in sql and "'{data,code}'::text[], to_jsonb(drawn.code))" in sql
    with pytest.raises(ValueError, match="only_with"):
        events_cte(OUTBOX, None, envelope_from={("data", "code"): drawn.c.code})
    with pytest.raises(ValueError, match="plain keys"):
        events_cte(OUTBOX, None, only_with=drawn, envelope_from={("data", "x'}"): drawn.c.code})
