"""Command-line arguments of the benchmarks: numbers within bounds, else a one-line message (exit status 2)."""

from __future__ import annotations

import argparse


def bounded(kind: type, low: float, high: float):
    """An argparse type: a number of the given kind within low..high, else a one-line error."""
    def convert(text: str):
        shown = repr(text if len(text) <= 20 else text[:20] + "...")
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{shown} is not a {'whole ' * (kind is int)}number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{shown} is outside {low}..{high}")
        return value

    convert.__name__ = kind.__name__
    return convert
