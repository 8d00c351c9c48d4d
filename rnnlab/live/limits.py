"""How much one client may do: sessions started, join codes tried. Counted per browser and, generously (a
school's network puts a whole class behind one address), per address, in the class store (so every replica
counts together).

    limits.check(store, GUESSES, who)   # raises ClassError when this browser or address is over the bound
    limits.count(store, GUESSES, who)   # one more
    limits.take(store, STARTS, who)     # one more, refused (ClassError) past the bound: atomic per counter
"""

from __future__ import annotations

from dataclasses import dataclass

from rnnlab.live.store import Store


class ClassError(Exception):
    """Something a teacher or student is told in plain words (a bad or expired code, a wrong key, ...)."""


@dataclass(frozen=True)
class Who:
    """The client asking: its browser (the same in every tab) and its network address, both opaque ids."""

    browser: str
    address: str


@dataclass(frozen=True)
class Limit:
    """At most `browser` events per browser and `address` per address in a window of `window_s` seconds."""

    name: str
    browser: int
    address: int
    window_s: int
    message: str


STARTS = Limit("start", browser=5, address=60, window_s=3600, message=(
    "This browser has started {n} class sessions in the last hour, as many as it may: go on with one you "
    "started (its teacher's link opens it again), or try again later."))
GUESSES = Limit("guess", browser=10, address=100, window_s=600, message=(
    "Too many join codes that lead nowhere were tried from here: wait ten minutes, then check the code with "
    "your teacher."))


def _names(limit: Limit, who: Who) -> list[tuple[str, int]]:
    return [(f"{limit.name}:{who.browser}", limit.browser), (f"{limit.name}:{who.address}", limit.address)]


def check(store: Store, limit: Limit, who: Who) -> None:
    """Raises ClassError (the limit's message) when this browser or this address has reached the bound."""
    for name, most in _names(limit, who):
        if store.count(name) >= most:
            raise ClassError(limit.message.format(n=limit.browser))


def count(store: Store, limit: Limit, who: Who) -> None:
    """One more event of this client."""
    for name, _ in _names(limit, who):
        store.hit(name, limit.window_s)


def take(store: Store, limit: Limit, who: Who) -> None:
    """One more event of this client, refused with the limit's message when it goes past either bound (counted
    first, so clients racing each other cannot all slip under the bound)."""
    counts = [(store.hit(name, limit.window_s), most) for name, most in _names(limit, who)]
    if any(n > most for n, most in counts):
        raise ClassError(limit.message.format(n=limit.browser))
