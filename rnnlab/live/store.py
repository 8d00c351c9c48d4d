"""Where class sessions live: in this process (one server), or in Redis (several replicas share it).

A store knows nothing of questions or answers: it keeps, per session code, a record of text fields with a
version counter, a set of members (at most `most`: join gives -1 when full), and boxes of {member: value}. Every write is atomic, and everything of a
session expires together.

    store = open_store("memory")                 # or "redis://127.0.0.1:6379/0"
    store.create("K7MQ2X", {"key_hash": "..."}, ttl_s=3600, most=500)
                                                 # -> True (False: the code is taken; None: 500 already live)
    store.change("K7MQ2X", {"revealed": "1"})    # -> the record's new version (None: no such session)
    store.put("K7MQ2X", "1:1", "member", "...")  # -> True the first time this member puts in this box

The setting is one string (`RNNLAB_CLASS_STORE`): "memory" (the default) or a redis:// address.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

SETTING = "RNNLAB_CLASS_STORE"
TIMEOUT_S = 1.0  # a Redis that does not answer within this is unavailable


class StoreUnavailable(Exception):
    """The shared store cannot be reached (Redis down or unreachable)."""


class Store(Protocol):
    def create(self, code: str, fields: dict[str, str], ttl_s: int, most: int | None = None) -> bool | None: ...
    def read(self, code: str) -> dict[str, str] | None: ...
    def change(self, code: str, fields: dict[str, str]) -> int | None: ...
    def join(self, code: str, member: str, most: int) -> int | None: ...
    def members(self, code: str) -> int: ...
    def put(self, code: str, box: str, member: str, value: str) -> bool | None: ...
    def box(self, code: str, box: str) -> dict[str, str]: ...
    def live(self) -> int: ...


@dataclass
class _Session:
    fields: dict[str, str]
    expires: float
    members: set[str] = field(default_factory=set)
    boxes: dict[str, dict[str, str]] = field(default_factory=dict)


class MemoryStore:
    """Sessions in this process's memory, behind one lock: for one server."""

    def __init__(self, clock=time.monotonic):
        self._sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()
        self._clock = clock

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

    def create(self, code: str, fields: dict[str, str], ttl_s: int, most: int | None = None) -> bool | None:
        with self._lock:
            self._sweep()
            if code in self._sessions:
                return False
            if most is not None and len(self._sessions) >= most:
                return None
            self._sessions[code] = _Session({**fields, "version": "1"}, self._clock() + ttl_s)
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

    def join(self, code: str, member: str, most: int) -> int | None:
        with self._lock:
            found = self._get(code)
            if not found:
                return None
            if member not in found.members and len(found.members) >= most:
                return -1
            found.members.add(member)
            return len(found.members)

    def members(self, code: str) -> int:
        with self._lock:
            found = self._get(code)
            return len(found.members) if found else 0

    def put(self, code: str, box: str, member: str, value: str) -> bool | None:
        with self._lock:
            found = self._get(code)
            if not found:
                return None
            answers = found.boxes.setdefault(box, {})
            new = member not in answers
            answers[member] = value
            return new

    def box(self, code: str, box: str) -> dict[str, str]:
        with self._lock:
            found = self._get(code)
            return dict(found.boxes.get(box, {})) if found else {}

    def live(self) -> int:
        with self._lock:
            self._sweep()
            return len(self._sessions)


# Lua: each runs atomically in Redis. KEYS[1] is the session's record; the other keys expire with it.
# _CREATE: KEYS[2] the live sessions; ARGV: ttl_s, now, most ('' for no bound), code, then the fields.
_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
if ARGV[3] ~= '' and redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return -1 end
redis.call('HSET', KEYS[1], 'version', '1')
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], tonumber(ARGV[2]) + tonumber(ARGV[1]), ARGV[4])
return 1
"""
_CHANGE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return redis.call('HINCRBY', KEYS[1], 'version', 1)
"""
_JOIN = """
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return nil end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 and redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  return -1
end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ttl)
return redis.call('SCARD', KEYS[2])
"""
_PUT = """
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return nil end
local new = redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ttl)
return new
"""


class RedisStore:
    """Sessions in Redis, shared by every replica. Every call raises StoreUnavailable when Redis is down."""

    PREFIX = "rnnlab:class:"
    LIVE = "rnnlab:classes"  # sorted set: code -> when it expires (to count the live sessions)

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
        self._create = self._redis.register_script(_CREATE)
        self._change = self._redis.register_script(_CHANGE)
        self._join = self._redis.register_script(_JOIN)
        self._put = self._redis.register_script(_PUT)

    def _key(self, code: str, *part: str) -> str:
        return ":".join((self.PREFIX + code, *part))

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except self._errors as err:
            raise StoreUnavailable(f"the class store (Redis) cannot be reached: {type(err).__name__}") from None

    def create(self, code: str, fields: dict[str, str], ttl_s: int, most: int | None = None) -> bool | None:
        args = [ttl_s, time.time(), "" if most is None else most, code,
                *(item for pair in fields.items() for item in pair)]
        made = self._call(lambda: self._create(keys=[self._key(code), self.LIVE], args=args))
        return None if made == -1 else bool(made)

    def read(self, code: str) -> dict[str, str] | None:
        return self._call(self._redis.hgetall, self._key(code)) or None

    def change(self, code: str, fields: dict[str, str]) -> int | None:
        args = [item for pair in fields.items() for item in pair]
        return self._call(lambda: self._change(keys=[self._key(code)], args=args))

    def join(self, code: str, member: str, most: int) -> int | None:
        return self._call(lambda: self._join(keys=[self._key(code), self._key(code, "members")],
                                             args=[member, most]))

    def members(self, code: str) -> int:
        return self._call(self._redis.scard, self._key(code, "members"))

    def put(self, code: str, box: str, member: str, value: str) -> bool | None:
        new = self._call(lambda: self._put(keys=[self._key(code), self._key(code, "box", box)],
                                           args=[member, value]))
        return None if new is None else bool(new)

    def box(self, code: str, box: str) -> dict[str, str]:
        return self._call(self._redis.hgetall, self._key(code, "box", box))

    def live(self) -> int:
        def live() -> int:
            self._redis.zremrangebyscore(self.LIVE, "-inf", time.time())
            return self._redis.zcard(self.LIVE)
        return self._call(live)


def open_store(setting: str | None) -> Store:
    """The store a setting names: "memory" (or nothing) -> MemoryStore; "redis://..." -> RedisStore.
    Raises StoreUnavailable for anything else (a clear message, said once at start-up and on the page)."""
    setting = (setting or "memory").strip()
    if setting == "memory":
        return MemoryStore()
    if setting.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(setting)
    raise StoreUnavailable(f"{SETTING} must be 'memory' or a redis:// address, not {setting[:60]!r}")
