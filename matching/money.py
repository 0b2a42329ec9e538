"""Salaries in one currency, so a floor in EUR can be held against a range in USD (pure).

The rates are fixed reference rates (euros per unit, November 2026, rounded): good enough to
tell whether a range reaches a floor, not for accounting. A currency missing here compares as
"unknown": such a job is not excluded, only ranked like a job without salary.
"""

from __future__ import annotations

from core.domain import SalaryFloor
from core.jobs import ANNUAL_FACTORS, Salary, SalaryPeriod

EUR_PER_UNIT: dict[str, float] = {
    "EUR": 1.0,
    "USD": 0.92,
    "GBP": 1.17,
    "CHF": 1.05,
    "CAD": 0.66,
    "AUD": 0.60,
    "NZD": 0.55,
    "SEK": 0.087,
    "NOK": 0.085,
    "DKK": 0.134,
    "PLN": 0.23,
    "CZK": 0.040,
    "HUF": 0.0025,
    "RON": 0.20,
    "BGN": 0.51,
    "JPY": 0.0061,
    "INR": 0.011,
    "SGD": 0.69,
    "HKD": 0.118,
    "BRL": 0.17,
    "MXN": 0.050,
    "ZAR": 0.050,
    "ILS": 0.25,
    "TRY": 0.027,
    "AED": 0.25,
}


def per_year(period: str) -> float:
    """How many of a period ("hour", "month", ...) make a year; 1 for one we do not know."""
    try:
        return float(ANNUAL_FACTORS[SalaryPeriod(period)])
    except ValueError:
        return 1.0


def to_eur(amount: float | None, currency: str | None) -> float | None:
    if amount is None or currency is None:
        return None
    rate = EUR_PER_UNIT.get(currency.upper())
    return None if rate is None else amount * rate


def floor_eur(floor: SalaryFloor | None) -> float | None:
    """A candidate's floor per year in EUR; None when unset or in an unknown currency."""
    if floor is None:
        return None
    return to_eur(floor.amount * per_year(floor.period), floor.currency)


def range_eur(salary: Salary | None) -> tuple[float | None, float | None]:
    """A job's yearly range in EUR, (None, None) when it has none or its currency is unknown.

    The annual figures normalization computed are used; a salary without them (a posting from
    elsewhere, a hand-made file) is annualized here from its period.
    """
    if salary is None:
        return None, None
    if salary.annual_minimum is None and salary.annual_maximum is None:
        factor = per_year(salary.period)
        annual_min = None if salary.minimum is None else salary.minimum * factor
        annual_max = None if salary.maximum is None else salary.maximum * factor
    else:
        annual_min, annual_max = salary.annual_minimum, salary.annual_maximum
    low = annual_min if annual_min is not None else annual_max
    high = annual_max if annual_max is not None else annual_min
    return to_eur(low, salary.currency), to_eur(high, salary.currency)
