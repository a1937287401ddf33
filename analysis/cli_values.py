"""Exact numbers for ``mada-analysis bounds --set NAME=VALUE``.

A value becomes an exact sympy ``Rational`` (0.9 is 9/10, not the nearest double), so its
size must be bounded before sympy sees it: ``Rational("1e999999999")`` builds
10**999999999 digit by digit, and a 5000-digit integer trips Python's int-digit limit.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

MAX_EXPONENT = 300  # |log10| of a --set value: sympy evaluates 10**n exactly


def exact_number(value):
    """``value`` (a decimal like 0.9 or 1e-8, or a fraction like 1/3) as an exact sympy
    Rational; ValueError for anything else, huge or tiny magnitudes included.

    >>> exact_number("0.9"), exact_number("1e-8"), exact_number("1/3")
    (9/10, 1/100000000, 1/3)
    >>> exact_number("1e999999999")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: '1e999999999' is out of range: ...
    """
    from sympy import Rational

    shown = repr(value) if len(value) <= 40 else f"{value[:40]!r}... ({len(value)} characters)"
    too_big = ValueError(
        f"{shown} is out of range: a value has at most 100 characters and a magnitude "
        f"within 1e-{MAX_EXPONENT}..1e{MAX_EXPONENT}"
    )
    parts = value.split("/")
    if len(value) > 100:
        raise too_big
    try:
        if len(parts) > 2:
            raise InvalidOperation
        decimals = [Decimal(p.strip()) for p in parts]
    except InvalidOperation:
        raise ValueError(f"not a number: {shown}; write it like 0.9, 1e-8 or 1/3") from None
    for d in decimals:
        if not d.is_finite():
            raise ValueError(f"not a finite number: {shown}")
        if d != 0 and abs(d.adjusted()) > MAX_EXPONENT:
            raise too_big
    if len(decimals) == 2 and decimals[1] == 0:
        raise ValueError(f"division by zero in {value!r}")
    number = Rational(str(decimals[0]))  # exact: 0.9 -> 9/10, 1e-8 -> 1/100000000
    return number / Rational(str(decimals[1])) if len(decimals) == 2 else number
