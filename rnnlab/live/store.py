"""Where class sessions live: in this process (one server), or in Redis (several replicas share it).

A store knows nothing of questions or answers. Per session code it keeps a record of text fields with a
version counter and `live_until`; its members, each with when it was last seen, its address (hashed) and an
optional nickname; the members the teacher removed; and boxes of {member: value}. Every write is atomic.

A session is live until `live_until` (extended by `touch`, ended by `retire`) and only live sessions count
towards the bound `most`; everything of a session is deleted together `keep_s` after it stopped being live.
Counters (`hit`) count events of a name over a window, for rate limits shared by every replica.

    store = open_store("memory")                 # or "redis://127.0.0.1:6379/0"
    store.create("K7MQ2X", {"key_hash": "..."}, live_s=5400, keep_s=86400, most=500)
                                                 # -> True (False: the code is taken; None: 500 already live)
    store.change("K7MQ2X", {"revealed": "1"})    # -> the record's new version (None: no such session)
    store.join("K7MQ2X", "member", now, ...)      # -> members now (-1 full, -2 the address's share full, -3 removed)
    store.put("K7MQ2X", "1:1", "member", "...")  # -> 1 the first time this member puts in this box

The setting is one string (`RNNLAB_CLASS_STORE`): "memory" (the default) or a redis:// address.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

SETTING = "RNNLAB_CLASS_STORE"
TIMEOUT_S = 1.0  # a Redis that does not answer within this is unavailable
FULL, ADDRESS_FULL, REMOVED = -1, -2, -3  # what join says instead of a count
NOT_MEMBER = -1  # what put says for a member who has not joined (or was removed)


class StoreUnavailable(Exception):
    """The shared store cannot be reached (Redis down or unreachable)."""


@dataclass(frozen=True)
class Seat:
    """A member as the teacher's roster reads it."""

    seen: float
    nick: str


class Store(Protocol):
    def now(self) -> float: ...
    def create(self, code: str, fields: dict[str, str], live_s: float, keep_s: float,
               most: int | None = None) -> bool | None: ...
    def read(self, code: str) -> dict[str, str] | None: ...
    def change(self, code: str, fields: dict[str, str]) -> int | None: ...
    def touch(self, code: str, live_s: float, keep_s: float) -> bool: ...
    def retire(self, code: str, keep_s: float) -> bool: ...
    def join(self, code: str, member: str, address: str, nick: str, stale_before: float, most: int,
             per_address: int) -> int | None: ...
    def seen(self, code: str, member: str) -> bool: ...
    def roster(self, code: str) -> dict[str, Seat]: ...
    def remove(self, code: str, member: str) -> bool: ...
    def put(self, code: str, box: str, member: str, value: str) -> int | None: ...
    def box(self, code: str, box: str) -> dict[str, str]: ...
    def boxes(self, code: str) -> list[str]: ...
    def live(self) -> int: ...
    def hit(self, name: str, window_s: int) -> int: ...
    def count(self, name: str) -> int: ...


@dataclass
class _Session:
    fields: dict[str, str]
    expires: float
    seen: dict[str, float] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)
    nicks: dict[str, str] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    boxes: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def live_until(self) -> float:
        return float(self.fields["live_until"])

    def refusal(self, member: str, address: str, stale_before: float, most: int, per_address: int) -> int | None:
        """REMOVED, FULL or ADDRESS_FULL when `member` may not have a seat now (a newcomer gets the seat of
        someone idle since before stale_before); None when they may."""
        if member in self.removed:
            return REMOVED
        if member in self.seen:
            return None
        for gone in [m for m, t in self.seen.items() if t < stale_before]:  # seats left idle are freed
            self.forget(gone)
        if len(self.seen) >= most:
            return FULL
        if sum(a == address for a in self.addresses.values()) >= per_address:
            return ADDRESS_FULL
        return None

    def forget(self, member: str) -> None:
        """The member's seat, address and nickname gone."""
        for held in (self.seen, self.addresses, self.nicks):
            held.pop(member, None)


class MemoryStore:
    """Sessions in this process's memory, behind one lock: for one server."""

    MAX_COUNTERS = 100_000  # past this, counters whose window has passed are swept

    def __init__(self, clock=time.monotonic):
        self._sessions: dict[str, _Session] = {}
        self._counters: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def now(self) -> float:
        return self._clock()

    def _get(self, code: str) -> _Session | None:
        found = self._sessions.get(code)
        if found and found.expires <= self._clock():
            del self._sessions[code]
            return None
        return found

    def _sweep(self) -> None:
        now = self._clock()
        for code in [c for c, s in self._sessions.items() if s.expires <= now]:
            del self._sessions[code]

    def create(self, code: str, fields: dict[str, str], live_s: float, keep_s: float,
               most: int | None = None) -> bool | None:
        with self._lock:
            self._sweep()
            if code in self._sessions:
                return False
            now = self._clock()
            if most is not None and sum(s.live_until > now for s in self._sessions.values()) >= most:
                return None
            record = {**fields, "version": "1", "live_until": repr(now + live_s)}
            self._sessions[code] = _Session(record, now + live_s + keep_s)
            return True

    def read(self, code: str) -> dict[str, str] | None:
        with self._lock:
            found = self._get(code)
            return dict(found.fields) if found else None

    def change(self, code: str, fields: dict[str, str]) -> int | None:
        with self._lock:
            found = self._get(code)
            if not found:
                return None
            version = int(found.fields["version"]) + 1
            found.fields.update(fields, version=str(version))
            return version

    def touch(self, code: str, live_s: float, keep_s: float) -> bool:
        with self._lock:
            found, now = self._get(code), self._clock()
            if not found or found.live_until <= now:  # an ended session is not brought back
                return False
            found.fields["live_until"] = repr(now + live_s)
            found.expires = now + live_s + keep_s
            return True

    def retire(self, code: str, keep_s: float) -> bool:
        with self._lock:
            found, now = self._get(code), self._clock()
            if not found:
                return False
            found.fields.update(live_until=repr(min(now, found.live_until)),
                                version=str(int(found.fields["version"]) + 1))
            found.expires = min(found.expires, now + keep_s)
            return True

    def join(self, code: str, member: str, address: str, nick: str, stale_before: float, most: int,
             per_address: int) -> int | None:
        with self._lock:
            found = self._get(code)
            if not found:
                return None
            refused = found.refusal(member, address, stale_before, most, per_address)
            if refused is not None:
                return refused
            found.seen[member], found.addresses[member] = self._clock(), address
            if nick:
                found.nicks[member] = nick
            return len(found.seen)

    def seen(self, code: str, member: str) -> bool:
        with self._lock:
            found = self._get(code)
            if not found or member not in found.seen:
                return False
            found.seen[member] = self._clock()
            return True

    def roster(self, code: str) -> dict[str, Seat]:
        with self._lock:
            found = self._get(code)
            return {m: Seat(t, found.nicks.get(m, "")) for m, t in found.seen.items()} if found else {}

    def remove(self, code: str, member: str) -> bool:
        with self._lock:
            found = self._get(code)
            if not found:
                return False
            found.removed.add(member)
            found.forget(member)
            return True

    def put(self, code: str, box: str, member: str, value: str) -> int | None:
        with self._lock:
            found = self._get(code)
            if not found:
                return None
            if member not in found.seen:
                return NOT_MEMBER
            answers = found.boxes.setdefault(box, {})
            new = member not in answers
            answers[member] = value
            return int(new)

    def box(self, code: str, box: str) -> dict[str, str]:
        with self._lock:
            found = self._get(code)
            return dict(found.boxes.get(box, {})) if found else {}

    def boxes(self, code: str) -> list[str]:
        with self._lock:
            found = self._get(code)
            return list(found.boxes) if found else []

    def live(self) -> int:
        with self._lock:
            self._sweep()
            now = self._clock()
            return sum(s.live_until > now for s in self._sessions.values())

    def hit(self, name: str, window_s: int) -> int:
        with self._lock:
            now = self._clock()
            if len(self._counters) > self.MAX_COUNTERS:
                self._counters = {k: v for k, v in self._counters.items() if v[1] > now}
            count, until = self._counters.get(name, (0, 0.0))
            if until <= now:
                count, until = 0, now + window_s
            self._counters[name] = (count + 1, until)
            return count + 1

    def count(self, name: str) -> int:
        with self._lock:
            count, until = self._counters.get(name, (0, 0.0))
            return count if until > self._clock() else 0


# Lua: each runs atomically in Redis. KEYS[1] is the session's record; the other keys of a session expire
# with it (SUFFIXES, and one hash per box, named in the set "boxes").
SUFFIXES = ("seen", "addr", "nick", "removed", "boxes")
_EXPIRE_ALL = """
local function expire_all(pttl)
  for i = 1, 6 do redis.call('PEXPIRE', KEYS[i], pttl) end
  for _, name in ipairs(redis.call('SMEMBERS', KEYS[6])) do
    redis.call('PEXPIRE', KEYS[1] .. ':box:' .. name, pttl)
  end
end
"""
# _CREATE: KEYS[1] the record, KEYS[2] the live sessions; ARGV: live_s, keep_s, now, most ('' for none), code,
# then the fields.
_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
if ARGV[4] ~= '' and redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return -1 end
local live_until = tonumber(ARGV[3]) + tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'version', '1', 'live_until', ARGV[3] + ARGV[1])
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[1], math.ceil((tonumber(ARGV[1]) + tonumber(ARGV[2])) * 1000))
redis.call('ZADD', KEYS[2], live_until, ARGV[5])
return 1
"""
_CHANGE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return redis.call('HINCRBY', KEYS[1], 'version', 1)
"""
# _TOUCH: KEYS: the record and SUFFIXES, then the live sessions; ARGV: live_s, keep_s, now, code.
_TOUCH = _EXPIRE_ALL + """
local until_now = redis.call('HGET', KEYS[1], 'live_until')
if not until_now or tonumber(until_now) <= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], 'live_until', ARGV[3] + ARGV[1])
expire_all(math.ceil((tonumber(ARGV[1]) + tonumber(ARGV[2])) * 1000))
redis.call('ZADD', KEYS[7], tonumber(ARGV[3]) + tonumber(ARGV[1]), ARGV[4])
return 1
"""
# _RETIRE: the same keys; ARGV: keep_s, now, code.
_RETIRE = _EXPIRE_ALL + """
local until_now = redis.call('HGET', KEYS[1], 'live_until')
if not until_now then return 0 end
if tonumber(until_now) > tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], 'live_until', ARGV[2]) end
redis.call('HINCRBY', KEYS[1], 'version', 1)
local keep = math.ceil(tonumber(ARGV[1]) * 1000)
if redis.call('PTTL', KEYS[1]) > keep then expire_all(keep) end
redis.call('ZREM', KEYS[7], ARGV[3])
return 1
"""
# _JOIN: KEYS: the record and SUFFIXES; ARGV: member, now, address, nick, stale_before, most, per_address.
_JOIN = """
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return nil end
local member = ARGV[1]
if redis.call('SISMEMBER', KEYS[5], member) == 1 then return -3 end
if redis.call('HEXISTS', KEYS[2], member) == 0 then
  local seen = redis.call('HGETALL', KEYS[2])
  for i = 1, #seen, 2 do
    if tonumber(seen[i + 1]) < tonumber(ARGV[5]) then
      redis.call('HDEL', KEYS[2], seen[i]); redis.call('HDEL', KEYS[3], seen[i]); redis.call('HDEL', KEYS[4], seen[i])
    end
  end
  if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[6]) then return -1 end
  local same = 0
  for _, address in ipairs(redis.call('HVALS', KEYS[3])) do
    if address == ARGV[3] then same = same + 1 end
  end
  if same >= tonumber(ARGV[7]) then return -2 end
end
redis.call('HSET', KEYS[2], member, ARGV[2])
redis.call('HSET', KEYS[3], member, ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[4], member, ARGV[4]) end
for i = 2, 4 do redis.call('PEXPIRE', KEYS[i], ttl) end
return redis.call('HLEN', KEYS[2])
"""
_SEEN = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""
_REMOVE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SADD', KEYS[5], ARGV[1])
redis.call('PEXPIRE', KEYS[5], redis.call('PTTL', KEYS[1]))
for i = 2, 4 do redis.call('HDEL', KEYS[i], ARGV[1]) end
return 1
"""
# _PUT: KEYS: the record, its members' "seen", its set of boxes, the box; ARGV: member, value, box.
_PUT = """
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return nil end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return -1 end
local new = redis.call('HSET', KEYS[4], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ttl)
redis.call('PEXPIRE', KEYS[4], ttl)
return new
"""
_HIT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


class RedisStore:
    """Sessions in Redis, shared by every replica. Every call raises StoreUnavailable when Redis is down."""

    PREFIX = "rnnlab:class:"
    LIVE = "rnnlab:classes"  # sorted set: code -> until when it is live (to count the live sessions)
    COUNTERS = "rnnlab:count:"

    def __init__(self, url: str):
        import redis

        self._errors = (redis.exceptions.RedisError, OSError)
        try:
            self._redis = redis.Redis.from_url(url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S,
                                               decode_responses=True)
            pool = self._redis.connection_pool
            pool.connection_class(**pool.connection_kwargs)  # an unknown option in the address fails now, not later
        except (ValueError, TypeError) as err:
            raise StoreUnavailable(f"the class store address cannot be read ({err})") from None
        self._scripts = {name: self._redis.register_script(text) for name, text in (
            ("create", _CREATE), ("change", _CHANGE), ("touch", _TOUCH), ("retire", _RETIRE), ("join", _JOIN),
            ("seen", _SEEN), ("remove", _REMOVE), ("put", _PUT), ("hit", _HIT))}

    def now(self) -> float:
        return time.time()

    def _key(self, code: str, *part: str) -> str:
        return ":".join((self.PREFIX + code, *part))

    def _keys(self, code: str) -> list[str]:
        """The record and the keys named in SUFFIXES (KEYS[1..6] of the scripts)."""
        return [self._key(code), *(self._key(code, s) for s in SUFFIXES)]

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except self._errors as err:
            raise StoreUnavailable(f"the class store (Redis) cannot be reached: {type(err).__name__}") from None

    def _run(self, name: str, keys: list[str], args: list):
        return self._call(lambda: self._scripts[name](keys=keys, args=args))

    def create(self, code: str, fields: dict[str, str], live_s: float, keep_s: float,
               most: int | None = None) -> bool | None:
        args = [live_s, keep_s, time.time(), "" if most is None else most, code,
                *(item for pair in fields.items() for item in pair)]
        made = self._run("create", [self._key(code), self.LIVE], args)
        return None if made == -1 else bool(made)

    def read(self, code: str) -> dict[str, str] | None:
        return self._call(self._redis.hgetall, self._key(code)) or None

    def change(self, code: str, fields: dict[str, str]) -> int | None:
        return self._run("change", [self._key(code)], [item for pair in fields.items() for item in pair])

    def touch(self, code: str, live_s: float, keep_s: float) -> bool:
        return bool(self._run("touch", [*self._keys(code), self.LIVE], [live_s, keep_s, time.time(), code]))

    def retire(self, code: str, keep_s: float) -> bool:
        return bool(self._run("retire", [*self._keys(code), self.LIVE], [keep_s, time.time(), code]))

    def join(self, code: str, member: str, address: str, nick: str, stale_before: float, most: int,
             per_address: int) -> int | None:
        return self._run("join", self._keys(code)[:5], [member, time.time(), address, nick, stale_before, most,
                                                         per_address])

    def seen(self, code: str, member: str) -> bool:
        return bool(self._run("seen", [self._key(code, "seen")], [member, time.time()]))

    def roster(self, code: str) -> dict[str, Seat]:
        def roster() -> dict[str, Seat]:
            with self._redis.pipeline(transaction=True) as pipe:
                seen, nicks = pipe.hgetall(self._key(code, "seen")).hgetall(self._key(code, "nick")).execute()
            return {m: Seat(float(t), nicks.get(m, "")) for m, t in seen.items()}
        return self._call(roster)

    def remove(self, code: str, member: str) -> bool:
        return bool(self._run("remove", self._keys(code)[:5], [member]))

    def put(self, code: str, box: str, member: str, value: str) -> int | None:
        keys = [self._key(code), self._key(code, "seen"), self._key(code, "boxes"), self._key(code, "box", box)]
        return self._run("put", keys, [member, value, box])

    def box(self, code: str, box: str) -> dict[str, str]:
        return self._call(self._redis.hgetall, self._key(code, "box", box))

    def boxes(self, code: str) -> list[str]:
        return sorted(self._call(self._redis.smembers, self._key(code, "boxes")))

    def live(self) -> int:
        def live() -> int:
            self._redis.zremrangebyscore(self.LIVE, "-inf", time.time())
            return self._redis.zcard(self.LIVE)
        return self._call(live)

    def hit(self, name: str, window_s: int) -> int:
        return self._run("hit", [self.COUNTERS + name], [window_s])

    def count(self, name: str) -> int:
        return int(self._call(self._redis.get, self.COUNTERS + name) or 0)


def open_store(setting: str | None) -> Store:
    """The store a setting names: "memory" (or nothing) -> MemoryStore; "redis://..." -> RedisStore.
    Raises StoreUnavailable for anything else (a clear message, said once at start-up and on the page)."""
    setting = (setting or "memory").strip()
    if setting == "memory":
        return MemoryStore()
    if setting.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(setting)
    raise StoreUnavailable(f"{SETTING} must be 'memory' or a redis:// address, not {setting[:60]!r}")
