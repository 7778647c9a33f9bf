"""Rate limits in Redis: a sliding-window counter, one atomic script call per request.

Each limited subject (a tenant, a client IP, an email) has one counter per fixed window of
``window_seconds`` (``{prefix}gateway:rl:{subject}:{window_number}``). A request ``INCR``s the current
window's counter (and renews its TTL of two windows) and reads the previous window's. The estimate

    previous * (1 - elapsed fraction of the current window) + current

is the classic sliding-window counter: O(1) memory per subject, no burst of twice the limit at a window
boundary (which a plain fixed window allows). :data:`ADMIT_SCRIPT` does the deny-list lookup (optional) and
every counter of the request in one Lua call: atomic, one round trip, one reply to parse (a ``MULTI``
pipeline of the same commands costs the gateway several times the parsing). Concurrent gateways never lose
a count. Refused attempts count too: a client that ignores ``Retry-After`` stays limited.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

logger = logging.getLogger("batchivo.gateway.ratelimit")


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    #: Whole seconds until a request would be let through again (0 when allowed).
    retry_after: int
    #: The sliding estimate including this request.
    estimate: float


ALLOWED = Decision(True, 0, 0.0)


def email_subject(email: str) -> str:
    """Emails are case-folded (as auth does) and hashed: no personal data in Redis key names."""
    return hashlib.sha256(email.strip().casefold().encode()).hexdigest()[:32]


#: KEYS: the deny-list key, then (current, previous) counter keys per limit. ARGV: counter TTL, and "1" to
#: check the deny-list key. Returns {denied (0/1), current1, previous1, current2, previous2, ...}.
ADMIT_SCRIPT = """
local out = {0}
if ARGV[2] == '1' then out[1] = redis.call('EXISTS', KEYS[1]) end
for i = 2, #KEYS, 2 do
  local current = redis.call('INCR', KEYS[i])
  redis.call('EXPIRE', KEYS[i], ARGV[1])
  out[#out + 1] = current
  out[#out + 1] = tonumber(redis.call('GET', KEYS[i + 1]) or '0')
end
return out
"""


class SlidingWindow:
    """Key names of a subject's counters, and the decision from their values."""

    def __init__(self, key_prefix: str, window_seconds: int = 60):
        self.base = f"{key_prefix}gateway:rl:"
        self.window = window_seconds

    def keys(self, subject: str, now: float) -> tuple[str, str]:
        """(current, previous) window counter keys of ``subject``."""
        number = int(now // self.window)
        return f"{self.base}{subject}:{number}", f"{self.base}{subject}:{number - 1}"

    @property
    def ttl(self) -> int:
        return 2 * self.window

    def decide(self, current: int, previous: int, limit: int, now: float) -> Decision:
        elapsed = (now % self.window) / self.window
        estimate = previous * (1 - elapsed) + current
        if estimate <= limit:
            return Decision(True, 0, estimate)
        return Decision(False, self.retry_after(previous, current, limit, elapsed), estimate)

    def retry_after(self, previous: int, current: int, limit: int, elapsed: float) -> int:
        """Seconds until one more request fits under ``limit`` if no other request comes meanwhile."""
        room = limit - 1  # the retried request itself must fit
        if previous > 0 and current <= room:
            # Still in this window: wait until the previous window's weight has faded enough.
            wait = (1 - (room - current) / previous) - elapsed
        else:
            # Next window: this window becomes "previous" and must fade below the limit.
            fade = 1 - room / current if current > 0 else 0.0
            wait = (1 - elapsed) + max(fade, 0.0)
        return max(1, math.ceil(wait * self.window))


class ThrottledLog:
    """Logs a recurring failure at most once per ``interval`` seconds (Redis down must not flood logs)."""

    def __init__(self, interval: float = 10.0):
        self.interval = interval
        self._last = float("-inf")
        self.suppressed = 0

    def warning(self, msg: str, *args: object, exc: BaseException | None = None) -> None:
        now = time.monotonic()
        if now - self._last < self.interval:
            self.suppressed += 1
            return
        self._last = now
        suppressed, self.suppressed = self.suppressed, 0
        logger.warning(
            msg, *args, extra={"suppressed": suppressed, "error": type(exc).__name__ if exc else None}
        )
