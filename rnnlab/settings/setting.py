"""One setting: its bounds or choices, help, group and what it needs; reading text, checking a value, writing text.

A setting rides in a dataclass field's metadata, so the field's name is the setting's name:

    >>> from dataclasses import dataclass, fields
    >>> @dataclass(frozen=True)
    ... class Sizes:
    ...     units: int = setting(64, "Size of the hidden state.", 1, 512)
    >>> setting_of(fields(Sizes)[0]).parse("600")
    Traceback (most recent call last):
    ...
    ValueError: units=600 is outside 1..512
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

Value = bool | int | float | str | tuple[int, ...]
V = TypeVar("V", bool, int, float, str, tuple[int, ...])

_KEY = "setting"  # the metadata key a field's Setting rides under
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}
_MAX_TEXT = 200  # characters of one value we are willing to read
MAX_ENTRIES_READ = 100  # entries of one list we are willing to read (the rest is set aside unread)


def _shown(value: object, most: int = 40) -> str:
    """A learner's value as a notice quotes it: repr, cut short."""
    text = repr(value)
    return text if len(text) <= most else text[:most] + "..."


class _Unread(str):
    """The rest of a list past the entries that are read."""

    def __repr__(self) -> str:
        return "the rest"


UNREAD = _Unread("the rest")


def listed(entries: Sequence[object], most: int = 3) -> str:
    """Entries of a list as a notice names them: the first few, each cut short, then how many more."""
    rest = " and the rest" if entries and entries[-1] is UNREAD else ""
    entries = entries[:-1] if rest else entries
    named = ", ".join(_shown(e, 16) for e in entries[:most])
    return named + (f" and {len(entries) - most} more" if len(entries) > most else "") + rest


@dataclass(frozen=True)
class Notice:
    """Something in the input that was not used as given: the problem, and what was done instead."""

    problem: str
    outcome: str

    def __str__(self) -> str:
        return f"{self.problem}; {self.outcome}"


class ConfigError(ValueError):
    """Raised by strict reading: one readable line per problem."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Setting:
    """One setting: its default, help, bounds (whole numbers, or 0 < value <= high for a float) or choices."""

    default: Value
    help: str
    low: int | None = None
    high: int | float | None = None
    choices: tuple[str, ...] = ()
    label: str = ""  # the widget's label when it is not the name
    group: str = "layer"  # which set of controls it belongs to
    needs: str = ""  # the setting that must be on for this one to matter (see `is_on`)
    typed: bool = False  # a list the learner types ("10,7,4") rather than picks
    most: int = 16  # a list's most entries (the widget allows no more)
    distinct: bool = False  # a list naming things (units to draw) rather than a pattern (lengths)
    offered: tuple[float, ...] = ()  # the values a widget offers; text may give any other within bounds
    name: str = ""  # the field's name, filled in by `setting_of`

    @property
    def kind(self) -> type:
        """The type of its values: bool, int, float, str (one of `choices`) or tuple (a list of whole numbers)."""
        return type(self.default)

    def parse(self, text: str) -> Value:
        """Text (from a URL or the command line) -> a valid value; ValueError with a readable reason."""
        text = text.strip()
        if len(text) > _MAX_TEXT:
            raise ValueError(f"{self.name}: the value is {len(text)} characters long")
        if self.kind is bool:
            if text.lower() in _TRUE | _FALSE:
                return text.lower() in _TRUE
            raise ValueError(f"{self.name}={_shown(text)} is not true/false/1/0")
        if self.kind is int:
            try:
                number = int(text)
            except ValueError:
                raise ValueError(f"{self.name}={_shown(text)} is not a whole number") from None
            return self.check(number)
        if self.kind is float:
            try:
                real = float(text[:40])
            except ValueError:
                raise ValueError(f"{self.name}={text[:40]!r} is not a number") from None
            return self.check(real)
        if self.kind is tuple:
            items = self.entries(text)
            if not all(isinstance(item, int) for item in items):
                raise ValueError(f"{self.name}={_shown(text)} is not a comma-separated list of whole numbers")
            return self.check(items)
        return self.check(text.lower())

    def entries(self, text: str) -> tuple[int | str, ...]:
        """A list's text -> its entries: whole numbers where they read as one, the rest as given (for `fit`
        to set aside). Only the first MAX_ENTRIES_READ are read."""
        parts = [part.strip() for part in text.split(",", MAX_ENTRIES_READ)]
        entries: list[int | str] = []
        for part in parts[:MAX_ENTRIES_READ]:
            try:
                entries.append(int(part) if len(part) <= 20 else part)
            except ValueError:
                entries.append(part)
        if len(parts) > MAX_ENTRIES_READ:
            entries.append(UNREAD)  # set aside, and named, as one entry
        return tuple(e for e in entries if e != "")

    def fit(self, value: object) -> tuple[tuple[int, ...], list[str]]:
        """A list (its text, or its entries) -> (its first allowed entries, why the others were set aside).

        Allowed: whole numbers within low..high, each once for a `distinct` list, at most `most` of them.
        Never raises: whatever is not allowed is set aside and named.
        """
        entries = self.entries(value) if isinstance(value, str) else value
        if not isinstance(entries, (tuple, list)):
            return (), [f"{_shown(value)} is not a list of whole numbers"]
        kept: list[int] = []
        invalid: list[object] = []
        repeated: list[int] = []
        beyond: list[object] = []
        for entry in entries[:MAX_ENTRIES_READ + 1]:
            if entry is UNREAD:
                beyond.append(entry)
                continue
            try:
                number = self._check_int(entry)
            except ValueError:
                invalid.append(entry)
                continue
            if self.distinct and number in kept:
                repeated.append(number)
            elif len(kept) >= self.most:
                beyond.append(number)
            else:
                kept.append(number)
        return tuple(kept), self._reasons(invalid, repeated, beyond)

    def _reasons(self, invalid: list[object], repeated: list[int], beyond: list[object]) -> list[str]:
        reasons = []
        if invalid:
            reasons.append(f"{listed(invalid)} {'is' if len(invalid) == 1 else 'are'} not "
                           f"{'a whole number' if len(invalid) == 1 else 'whole numbers'} in {self.low}..{self.high}")
        if repeated:
            reasons.append(f"{listed(list(dict.fromkeys(repeated)))} listed more than once")
        if beyond:
            reasons.append(f"at most {self.most} entries, so {listed(beyond)} "
                           f"{'was' if len(beyond) == 1 else 'were'} set aside")
        return reasons

    def check(self, value: object) -> Value:
        """A typed value -> the same value if it is allowed; ValueError otherwise."""
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{self.name} must be true or false")
            return value
        if self.kind is tuple:
            if not isinstance(value, (tuple, list)):
                raise ValueError(f"{self.name} must be a list of whole numbers")
            kept, reasons = self.fit(value)
            if reasons:
                raise ValueError(f"{self.name}: {'; '.join(reasons)}")
            return kept
        if self.kind is int:
            return self._check_int(value)
        if self.kind is float:
            return self._check_float(value)
        if value not in self.choices:
            raise ValueError(f"{self.name}={_shown(value)} is not one of {', '.join(self.choices)}")
        return str(value)

    def _check_int(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{self.name} must be a whole number")
        if self.low is not None and value < self.low or self.high is not None and value > self.high:
            raise ValueError(f"{self.name}={value} is outside {self.low}..{self.high}")
        return value

    def _check_float(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{self.name} must be a number")
        high = math.inf if self.high is None else self.high
        if not 0 < value <= high:
            raise ValueError(f"{self.name}={value:g} must be above 0 and at most {high:g}")
        return float(value)

    def format(self, value: Value) -> str:
        """A value -> its query-string text."""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, tuple):
            return ",".join(str(v) for v in value)
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)


def setting(default: V, help: str, low: int | None = None, high: int | float | None = None, *,
            choices: tuple[str, ...] = (), label: str = "", group: str = "layer", needs: str = "",
            typed: bool = False, most: int = 16, distinct: bool = False, offered: tuple[float, ...] = ()) -> V:
    """A dataclass field whose metadata carries its Setting (the field's default is the setting's)."""
    row = Setting(default, help, low, high, choices, label, group, needs, typed, most, distinct, offered)
    found: V = field(default=default, metadata={_KEY: row})
    return found


def setting_of(of: dataclasses.Field[object]) -> Setting:
    """The Setting a dataclass field carries, named after the field."""
    row = of.metadata[_KEY]
    assert isinstance(row, Setting), of.name
    return dataclasses.replace(row, name=of.name)


def has_setting(of: dataclasses.Field[object]) -> bool:
    return _KEY in of.metadata


def is_on(value: object) -> bool:
    """Whether a setting that others need is switched on: true, non-empty, not 'none', above 1."""
    return value not in (False, (), "none", 0, 1) or value is True
