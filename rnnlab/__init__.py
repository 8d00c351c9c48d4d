"""rnnlab: what a Keras recurrent layer returns, built live and traced step by step.

    >>> import rnnlab
    >>> [r["shape"] for r in rnnlab.describe("return_state=true")["returns"]]
    [[32, 64], [32, 64], [32, 64]]
"""

from __future__ import annotations

from typing import Any

from rnnlab.params import parse
from rnnlab.settings import ConfigError


def describe(query: str) -> dict[str, Any]:
    """A query string (as in the app's URL) -> a JSON-ready summary of the real Keras run.

    Raises ConfigError (a ValueError) listing every problem when the query string is not valid.
    """
    parse(query).strict()  # before the heavy imports: bad input fails fast
    from rnnlab import engine

    return engine.compute("describe", query)


def summary(query: str) -> dict[str, Any]:
    """describe(query), computed in this process (the engine's task)."""
    parsed = parse(query).strict()

    from rnnlab.codegen import code_for
    from rnnlab.params import values
    from rnnlab.run import run

    result = run(parsed.config)
    return {
        "keras_version": result.keras_version,
        "config": values(parsed.config),
        "returns": [{"name": t.name, "shape": list(t.shape)} for t in result.returns],
        "params": result.params,
        "agreement_max_abs_diff": result.agreement,
        "checks": [{"claim": c.claim, "max_abs_diff": c.max_abs_diff, "holds": c.holds} for c in result.all_checks],
        "refusal": result.refusal and {"message": result.refusal.message, "explanation": result.refusal.explanation,
                                       "fix": result.refusal.fix},
        "code": code_for(parsed.config, {t.name: t.shape for t in result.returns}, result.params),
    }


__all__ = ["ConfigError", "describe", "parse"]
