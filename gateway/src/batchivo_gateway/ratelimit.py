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

The API's per-tenant limit is not asked per request: :data:`LEASE_SCRIPT` grants a gateway a few requests
of the window at once (:func:`lease_size`, about 1 % of the limit) and :class:`Allowance` spends them in
memory (ADR 0027). The grant never exceeds the room left under the limit, so one gateway admits exactly the
limit; several together admit less by what they hold unspent when a window ends, never more.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from batchivo_common.identifiers import normalize_identifier

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
    """Emails are normalised exactly as auth does (NFKC case folding, :mod:`batchivo_common.identifiers`) and
    hashed: every spelling of one address shares its limits, and no personal data is in Redis key names."""
    return hashlib.sha256(normalize_identifier(email).encode()).hexdigest()[:32]


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


#: KEYS: the deny-list key, the (current, previous) counter keys. ARGV: counter TTL, "1" to check the
#: deny-list key, the limit, the elapsed fraction of the current window, the requests wanted.
#: Returns {denied (0/1), granted, current, previous}: ``granted`` = min(wanted, room under the limit),
#: counted at once; a refusal (0) counts one attempt, as the admit script's does.
LEASE_SCRIPT = """
local denied = 0
if ARGV[2] == '1' then denied = redis.call('EXISTS', KEYS[1]) end
local previous = tonumber(redis.call('GET', KEYS[3]) or '0')
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
local room = math.floor(tonumber(ARGV[3]) - previous * (1 - tonumber(ARGV[4])) - current)
local granted = math.max(0, math.min(tonumber(ARGV[5]), room))
if denied == 1 then granted = 0 end
current = redis.call('INCRBY', KEYS[2], math.max(granted, 1))
redis.call('EXPIRE', KEYS[2], ARGV[1])
return {denied, granted, current, previous}
"""


def lease_size(limit: int, most: int) -> int:
    """Requests one Redis call grants a gateway: 1 % of the limit, at least 1, at most ``most``."""
    return max(1, min(most, limit // 100))


class Allowance:
    """Requests Redis granted this gateway in advance, per subject and window, spent without asking again.

    Counted in Redis when granted, so the limit holds across gateways; what is left when the window ends
    is dropped (admitting less, never more: at most a lease for each request that was waiting on Redis
    for the subject at that moment). Holds at most ``max_subjects`` subjects: beyond, the entries of
    past windows are dropped, then all (a subject with nothing left in memory asks Redis).
    """

    def __init__(self, max_subjects: int = 10_000):
        self.max_subjects = max_subjects
        self._left: dict[str, tuple[int, int]] = {}  # subject → (window number, requests left)

    def take(self, subject: str, window: int) -> bool:
        """Spend one granted request of ``subject`` in ``window``; False when none is left."""
        entry = self._left.get(subject)
        if entry is None or entry[0] != window or entry[1] <= 0:
            return False
        self._left[subject] = (window, entry[1] - 1)
        return True

    def keep(self, subject: str, window: int, count: int) -> None:
        """Add ``count`` granted requests of ``subject`` for ``window`` to what is left. Added, not replaced:
        requests that found nothing left at the same moment each ask Redis, and every request granted to
        them is counted there, so each must be spendable here."""
        if count <= 0:
            return
        entry = self._left.get(subject)
        if entry is not None and entry[0] == window:
            count += entry[1]
        elif entry is None and len(self._left) >= self.max_subjects:
            self._left = {s: e for s, e in self._left.items() if e[0] == window}
            if len(self._left) >= self.max_subjects:
                self._left.clear()
        self._left[subject] = (window, count)


class SlidingWindow:
    """Key names of a subject's counters, and the decision from their values."""

    def __init__(self, key_prefix: str, window_seconds: int = 60):
        self.base = f"{key_prefix}gateway:rl:"
        self.window = window_seconds

    def number(self, now: float) -> int:
        """The window ``now`` falls in."""
        return int(now // self.window)

    def keys(self, subject: str, now: float) -> tuple[str, str]:
        """(current, previous) window counter keys of ``subject``."""
        number = self.number(now)
        return f"{self.base}{subject}:{number}", f"{self.base}{subject}:{number - 1}"

    def elapsed(self, now: float) -> float:
        """The elapsed fraction of the current window."""
        return (now % self.window) / self.window

    @property
    def ttl(self) -> int:
        return 2 * self.window

    def decide(self, current: int, previous: int, limit: int, now: float) -> Decision:
        elapsed = self.elapsed(now)
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

    def __init__(self, interval: float = 10.0, log: logging.Logger = logger):
        self.interval = interval
        self.log = log
        self._last = float("-inf")
        self.suppressed = 0

    def warning(self, msg: str, *args: object, exc: BaseException | None = None) -> None:
        now = time.monotonic()
        if now - self._last < self.interval:
            self.suppressed += 1
            return
        self._last = now
        suppressed, self.suppressed = self.suppressed, 0
        self.log.warning(
            msg, *args, extra={"suppressed": suppressed, "error": type(exc).__name__ if exc else None}
        )


# -- failed logins (docs/adr/0008-login-abuse.md) ----------------------------------------------------------

#: KEYS: pair failures (IP, email), email state hash {fails, until_ms}, email probe slot, known-IP marker.
#: ARGV: now (ms), pair limit, free failures per email, probe hold (ms).
#: Returns {pair failures, pair TTL (s), email failures, until (ms), known (0/1), probe (1 granted, 0 not
#: needed, -1 refused)}. The probe slot lets one attempt at a time through an email in back-off.
LOGIN_CHECK_SCRIPT = """
local now = tonumber(ARGV[1])
local pair = tonumber(redis.call('GET', KEYS[1]) or '0')
local pair_ttl = redis.call('TTL', KEYS[1])
local fails = tonumber(redis.call('HGET', KEYS[2], 'fails') or '0')
local until_ms = tonumber(redis.call('HGET', KEYS[2], 'until') or '0')
local known = redis.call('EXISTS', KEYS[4])
local probe = 0
if pair < tonumber(ARGV[2]) and known == 0 and fails >= tonumber(ARGV[3]) then
  if until_ms > now then
    probe = -1
  elseif redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[4]) then
    probe = 1
  else
    probe = -1
  end
end
return {pair, pair_ttl, fails, until_ms, known, probe}
"""

#: KEYS: as LOGIN_CHECK_SCRIPT. ARGV: outcome ("fail" | "ok" | "other"), now (ms), pair window (s), free
#: failures, back-off base (ms), back-off max (ms), email state TTL (s), known-IP TTL (s).
LOGIN_RECORD_SCRIPT = """
local outcome = ARGV[1]
if outcome == 'fail' then
  local pair = redis.call('INCR', KEYS[1])
  if pair == 1 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
  local fails = redis.call('HINCRBY', KEYS[2], 'fails', 1)
  local beyond = fails - tonumber(ARGV[4])
  if beyond >= 0 then
    local delay = math.min(tonumber(ARGV[6]), tonumber(ARGV[5]) * math.pow(2, math.min(beyond, 40)))
    redis.call('HSET', KEYS[2], 'until', math.floor(tonumber(ARGV[2]) + delay))
  end
  redis.call('EXPIRE', KEYS[2], ARGV[7])
elseif outcome == 'ok' then
  redis.call('SET', KEYS[4], '1', 'EX', ARGV[8])
  redis.call('DEL', KEYS[1])
end
redis.call('DEL', KEYS[3])
return 1
"""


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    failures_per_ip_email: int
    failure_window_seconds: int
    email_free_failures: int
    backoff_base_seconds: float
    backoff_max_seconds: int
    #: How long the email's failure count lives after its last failure.
    email_state_seconds: int = 86_400
    #: How long an IP that logged in successfully bypasses the email's back-off.
    known_ip_seconds: int = 30 * 86_400
    #: Longest a probe slot is held if the gateway never records the outcome (it crashed, say).
    probe_hold_ms: int = 30_000


@dataclass(frozen=True, slots=True)
class LoginCheck:
    """What :data:`LOGIN_CHECK_SCRIPT` answered."""

    pair_failures: int
    pair_ttl: int
    email_failures: int
    until_ms: int
    known: bool
    probe: int


def login_keys(key_prefix: str, client_ip: str, email: str) -> list[str]:
    """The four keys of one (IP, email) login: pair failures, email state, probe slot, known IP."""
    base = f"{key_prefix}gateway:login:"
    subject = email_subject(email)
    ip = hashlib.sha256(client_ip.encode()).hexdigest()[:16]
    return [
        f"{base}pair:{ip}:{subject}",
        f"{base}email:{subject}",
        f"{base}probe:{subject}",
        f"{base}known:{subject}:{ip}",
    ]


def login_refusal(check: LoginCheck, policy: LoginPolicy, now_ms: int) -> int | None:
    """Seconds to wait when the attempt must be refused (429), None to let it through. A pure rule."""
    if check.pair_failures >= policy.failures_per_ip_email:
        return max(1, check.pair_ttl)
    if check.probe == -1:
        return max(1, math.ceil((check.until_ms - now_ms) / 1000)) if check.until_ms > now_ms else 1
    return None
