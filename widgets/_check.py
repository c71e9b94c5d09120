"""Checks of the models' inputs: bad input raises one kind of ``ValueError``, worded one way.

Every check returns the value it accepts (converted as its docstring says) or raises::

    ValueError("<name> must be <allowed><range>, got <value!r>")

    n_participants must be an integer in [1, 100], got 0
    target_utilization must be a number in (0, 1], got 0
    peak_factor must be a finite number >= 1, got nan
    per_host_qps must be a finite number > 0 or None, got 0
    mode must be one of 'orchestration', 'choreography', got 'dance'

A range with both ends finite reads ``in [low, high]`` (``(`` and ``)`` for open
ends); with one end unbounded it reads ``>= low`` or ``<= high``. A bool is never a
number here (``True`` is an ``int`` to Python, not to a reader), nor NaN or an infinity.
Checks that only one model needs ("steps must be unique names") stay in that model.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

__all__ = ["MAX_SEED", "choice", "integer", "number", "range_text", "seed", "milliseconds", "MAX_MS"]

#: The largest seed a model takes: every seed fits numpy's int64.
MAX_SEED = 2**63 - 1
#: The longest duration a model takes, in ms (about 11.6 days).
MAX_MS = 1e9


def _bound_text(bound: Any) -> str:
    """An end of a range: ints as written, other numbers in ``g`` format with a short exponent (1e6)."""
    if isinstance(bound, numbers.Integral):
        return str(int(bound))
    text = f"{float(bound):g}"
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if e else text


def range_text(low: Any, high: Any, *, open_low: bool = False, open_high: bool = False) -> str:
    """The range as the messages show it, with a leading space; empty when neither end is bounded.

    >>> range_text(0, 1), range_text(0, 1e6, open_low=True), range_text(1, math.inf), range_text(-math.inf, 5)
    (' in [0, 1]', ' in (0, 1e6]', ' >= 1', ' <= 5')
    """
    has_low, has_high = low > -math.inf, high < math.inf
    if has_low and has_high:
        left, right = "(" if open_low else "[", ")" if open_high else "]"
        return f" in {left}{_bound_text(low)}, {_bound_text(high)}{right}"
    if has_low:
        return f" {'>' if open_low else '>='} {_bound_text(low)}"
    if has_high:
        return f" {'<' if open_high else '<='} {_bound_text(high)}"
    return ""


def _error(name: str, allowed: str, value: Any) -> ValueError:
    return ValueError(f"{name} must be {allowed}, got {value!r}")


def integer(name: str, value: Any, low: int, high: float = math.inf) -> int:
    """``value`` as an ``int`` if it is an integer in [low, high] (both ends included).

    Any ``numbers.Integral`` but ``bool`` counts (``numpy.int64`` does); ``2.0`` does not.

    >>> integer("n", 3, 1, 10)
    3
    >>> integer("n", 0, 1, 10)
    Traceback (most recent call last):
    ValueError: n must be an integer in [1, 10], got 0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise _error(name, f"an integer{range_text(low, high)}", value)
    return int(value)


def seed(value: Any, *, spare: int = 0) -> int:
    """A random seed, an integer in [0, MAX_SEED - spare] (``spare``: seeds a model derives by adding to it).

    >>> seed(7)
    7
    """
    return integer("seed", value, 0, MAX_SEED - spare)


def _finite(value: Any, exact: bool) -> Any:
    """``value`` if it is a finite real number (as a Fraction if ``exact``), else None."""
    if isinstance(value, bool):
        return None
    if exact:
        if isinstance(value, Decimal):
            return Fraction(value) if value.is_finite() else None
        if isinstance(value, numbers.Rational):
            return Fraction(value.numerator, value.denominator)
        if isinstance(value, numbers.Real) and math.isfinite(value):
            return Fraction(repr(float(value)))  # the decimal the float prints as
        return None
    if not isinstance(value, numbers.Real):
        return None
    try:
        return value if math.isfinite(value) else None
    except OverflowError:  # an int too large for a float
        return None


def number(
    name: str,
    value: Any,
    low: Any = -math.inf,
    high: Any = math.inf,
    *,
    open_low: bool = False,
    open_high: bool = False,
    optional: bool = False,
    exact: bool = False,
    what: str | None = None,
) -> Any:
    """``value`` as a ``float`` if it is a finite real number in the range, else a ValueError.

    The ends are included unless ``open_low`` / ``open_high``; leave one at its
    infinite default for a half-bounded range. ``bool``, NaN, infinities, strings and
    an ``int`` too large for a float are refused.

    * ``optional``: ``None`` is accepted too, and returned as is.
    * ``exact``: return a ``Fraction`` and compare it exactly: a ``float`` is read as
      the decimal it prints as (0.999999 is exactly 999999/10**6), ``Decimal`` and
      ``Fraction`` are accepted exactly, ints of any size are allowed.
    * ``what``: the kind of number the message names (default "a number" for a
      bounded range, "a finite number" otherwise), e.g. "a percentage".

    >>> number("ratio", 1, 0, 1), number("x", -2.5)
    (1.0, -2.5)
    >>> number("ratio", 0, 0, 1, open_low=True)
    Traceback (most recent call last):
    ValueError: ratio must be a number in (0, 1], got 0
    """
    if optional and value is None:
        return None
    x = _finite(value, exact)
    ok = x is not None and (x > low if open_low else x >= low) and (x < high if open_high else x <= high)
    if not ok:
        bounded = low > -math.inf and high < math.inf
        allowed = (what or ("a number" if bounded else "a finite number")) + range_text(
            low, high, open_low=open_low, open_high=open_high
        )
        raise _error(name, allowed + (" or None" if optional else ""), value)
    return x if exact else float(x)


def _same(value: Any, allowed: Any) -> bool:
    """``value`` is ``allowed`` or equal and of its type: neither ``True`` nor ``1.0`` is ``1``."""
    if value is allowed:
        return True
    return (
        isinstance(value, type(allowed))
        and isinstance(value, bool) == isinstance(allowed, bool)
        and value == allowed
    )


def choice(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """``value`` if it is one of ``allowed`` (same type and equal, or the same object).

    >>> choice("mode", "fast", ("fast", "slow"))
    'fast'
    >>> choice("mode", "dance", (None, "fast"))
    Traceback (most recent call last):
    ValueError: mode must be one of None, 'fast', got 'dance'
    """
    allowed = tuple(allowed)
    if not any(_same(value, a) for a in allowed):
        raise _error(name, f"one of {', '.join(map(repr, allowed))}", value)
    return value


def milliseconds(name: str, value: Any, *, positive: bool = False) -> float:
    """A duration in ms in [0, MAX_MS] ((0, MAX_MS] if ``positive``).

    >>> milliseconds("lag_ms", 2.5)
    2.5
    """
    return number(name, value, 0, MAX_MS, open_low=positive)
