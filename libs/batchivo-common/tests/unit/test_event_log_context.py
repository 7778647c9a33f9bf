"""Log lines written while an event is handled carry the event; a handler's own ``extra`` never breaks it."""

from __future__ import annotations

import json
import logging
import uuid

from batchivo_common.messaging.consumer import event_context
from batchivo_common.messaging.envelope import new_event
from batchivo_common.observability.logging import JsonFormatter

TYPE = "auth.tenant.created.v1"
DATA = {"name": "Acme", "slug": "acme", "currency_code": "EUR"}


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:  # formatted now, inside the event's context
        self.lines.append(json.loads(JsonFormatter("test").format(record)))


def test_a_handler_may_log_event_type_in_extra_and_every_line_names_the_event() -> None:
    event = new_event(TYPE, producer="test", tenant_id=uuid.uuid4(), data=DATA, correlation_id="req-9")
    log = logging.getLogger("test.event_log_context")
    capture = Capture()
    log.addHandler(capture)
    log.setLevel(logging.INFO)
    try:
        with event_context(event):
            log.info("plain line")
            # This raised KeyError ("Attempt to overwrite 'event_type' in LogRecord") when a record
            # factory set the event's fields on every record, and the event failed.
            log.info("own fields", extra={"event_type": "webhooks.test.v1", "deliveries": 2})
        log.info("after the event")
    finally:
        log.removeHandler(capture)
        log.setLevel(logging.NOTSET)
    plain, own, after = capture.lines
    assert plain["event_id"] == str(event.event_id) and plain["event_type"] == TYPE
    assert plain["correlation_id"] == plain["request_id"] == "req-9"
    assert own["event_type"] == "webhooks.test.v1" and own["deliveries"] == 2
    assert own["event_id"] == str(event.event_id)
    assert "event_id" not in after and "event_type" not in after
