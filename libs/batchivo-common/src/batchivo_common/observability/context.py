"""Per-request values that every log line carries."""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("batchivo_request_id", default=None)

#: While an event is handled: its ``event_id``, ``event_type`` and ``correlation_id``, added to every log line
#: by the JSON formatter. Read at format time (not set on the record): a handler that logs one of these names
#: in ``extra`` then simply wins, where attributes set by a record factory made ``logging`` raise KeyError
#: ("Attempt to overwrite 'event_type' in LogRecord") and failed the event.
event_fields: ContextVar[dict[str, str] | None] = ContextVar("batchivo_event_fields", default=None)
