"""A table of settings over one frozen dataclass: a query in, a valid value plus notices out; a value out as a query.

    >>> from dataclasses import dataclass
    >>> from rnnlab.settings.setting import setting
    >>> @dataclass(frozen=True)
    ... class Sizes:
    ...     units: int = setting(64, "Size of the hidden state.", 1, 512)
    >>> read = Table(Sizes).read("units=600")
    >>> read.value, [str(n) for n in read.notices]
    (Sizes(units=64), ['units=600 is outside 1..512; using the default 64'])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar
from urllib.parse import parse_qsl

from rnnlab.settings.setting import ConfigError, Notice, Setting, Value, has_setting, setting_of

T = TypeVar("T")
Query = str | Mapping[str, str | list[str]]
MAX_FIELDS = 100  # query fields read at most


@dataclass(frozen=True)
class Read(Generic[T]):
    """A value read from untrusted input, always valid, and what was not used as given."""

    value: T
    notices: tuple[Notice, ...] = ()

    @property
    def problems(self) -> list[str]:
        return [n.problem for n in self.notices]

    def with_notices(self, notices: Iterable[Notice]) -> Self:
        """The same value with these notices instead."""
        return dataclasses.replace(self, notices=tuple(notices))

    def strict(self) -> Self:
        """Self, or ConfigError naming every problem (for the command line, where nothing is guessed)."""
        if self.notices:
            raise ConfigError(self.problems)
        return self


def query_pairs(query: Query) -> list[tuple[str, str]]:
    """A query string (or a mapping of it, as Streamlit gives) -> its (key, text) pairs, in order."""
    if isinstance(query, str):
        return parse_qsl(query.lstrip("?"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    return [(str(k), str(v)) for k, vs in query.items() for v in ([vs] if isinstance(vs, str) else vs)]


def read_texts(settings: Mapping[str, Setting], pairs: Iterable[tuple[str, str]],
               noun: str = "parameter") -> tuple[dict[str, object], list[Notice]]:
    """(key, text) pairs -> typed values by name (a list's entries as given, for `Setting.fit`) and notices for
    unknown keys, repeated keys and unreadable values (those fall back to their defaults)."""
    notices: list[Notice] = []
    raw: dict[str, object] = {}
    seen: set[str] = set()
    for key, text in pairs:
        name = key.strip().lower()
        row = settings.get(name)
        if row is None:
            notices.append(Notice(f"unknown {noun} {key[:40]!r}", "ignored"))
            continue
        if name in seen:
            notices.append(Notice(f"{name} is given more than once", "using the last value"))
        seen.add(name)
        try:
            raw[name] = row.entries(text) if row.kind is tuple else row.parse(text)
        except ValueError as err:
            raw.pop(name, None)
            notices.append(Notice(str(err), f"using the default {row.format(row.default)}"))
    return raw, notices


class Table(Generic[T]):
    """The settings of one frozen dataclass (its fields that carry a Setting) and `limits`, which fits values
    that are each allowed but not together (lowering one, with a notice)."""

    def __init__(self, cls: type[T], noun: str = "parameter",
                 limits: Callable[[T, list[Notice]], T] | None = None):
        assert dataclasses.is_dataclass(cls)
        self.cls, self.noun, self.limits = cls, noun, limits
        self.settings: dict[str, Setting] = {
            f.name: setting_of(f) for f in dataclasses.fields(cls) if has_setting(f)}

    def checked(self, raw: Mapping[str, object]) -> tuple[T, list[Notice]]:
        """Typed values (widgets, flags) -> the value, each setting checked alone; an invalid one takes its
        default, a list keeps its allowed entries; unknown names are left to the caller."""
        notices: list[Notice] = []
        values: dict[str, Value] = {}
        for name, row in self.settings.items():
            given = raw.get(name, row.default)
            if row.kind is tuple:  # a list keeps its allowed entries; the rest is named
                values[name], reasons = row.fit(given)
                if reasons:
                    kept = f"{name}={row.format(values[name])}" if values[name] else "none of them"
                    notices.append(Notice(f"{name}: {'; '.join(reasons)}", f"using {kept}"))
                continue
            try:
                values[name] = row.check(given)
            except ValueError as err:
                notices.append(Notice(str(err), f"using the default {row.format(row.default)}"))
                values[name] = row.default
        made: Any = self.cls(**values)
        return made, notices

    def resolve(self, raw: Mapping[str, object]) -> Read[T]:
        """Typed values -> Read: unknown names and invalid values named, cross-setting limits applied."""
        notices = [Notice(f"unknown {self.noun} {str(key)[:40]!r}", "ignored") for key in raw
                   if key not in self.settings]
        value, checked = self.checked(raw)
        notices += checked
        if self.limits is not None:
            value = self.limits(value, notices)
        return Read(value, tuple(notices))

    def read(self, query: Query) -> Read[T]:
        """A query (text, or a mapping of it) -> Read. Never raises."""
        try:
            pairs = query_pairs(query)
        except (TypeError, ValueError, AttributeError) as err:
            notice = Notice(f"the query string could not be read ({err})", "using defaults")
            return Read(self.resolve({}).value, (notice,))
        raw, notices = read_texts(self.settings, pairs, self.noun)
        read = self.resolve(raw)
        return Read(read.value, tuple(notices) + read.notices)

    def values(self, value: T) -> dict[str, Value]:
        """The value's settings by name."""
        return {name: getattr(value, name) for name in self.settings}

    def query(self, value: T) -> dict[str, str]:
        """A value -> query parameters, leaving out every setting equal to its default."""
        return {name: self.settings[name].format(v) for name, v in self.values(value).items()
                if v != self.settings[name].default}
