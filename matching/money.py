"""Salaries in one currency, so a floor in EUR can be held against a range in USD (pure).

The rates are fixed reference rates (euros per unit, November 2026, rounded): good enough to
tell whether a range reaches a floor, not for accounting. A currency missing here compares as
"unknown": such a job is not excluded, only ranked like a job without salary.
"""

from __future__ import annotations

from core.domain import SalaryFloor
from core.jobs import Salary

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

# Hours, days, weeks and months in a year: the same factors normalization uses.
PER_YEAR: dict[str, float] = {
    "hour": 2080.0,
    "day": 260.0,
    "week": 52.0,
    "month": 12.0,
    "year": 1.0,
}


def to_eur(amount: float | None, currency: str | None) -> float | None:
    if amount is None or currency is None:
        return None
    rate = EUR_PER_UNIT.get(currency.upper())
    return None if rate is None else amount * rate


def floor_eur(floor: SalaryFloor | None) -> float | None:
    """A candidate's floor per year in EUR; None when unset or in an unknown currency."""
    if floor is None:
        return None
    return to_eur(floor.amount * PER_YEAR.get(floor.period, 1.0), floor.currency)


def range_eur(salary: Salary | None) -> tuple[float | None, float | None]:
    """A job's yearly range in EUR, (None, None) when it has none or its currency is unknown."""
    if salary is None:
        return None, None
    low = salary.annual_minimum if salary.annual_minimum is not None else salary.annual_maximum
    high = salary.annual_maximum if salary.annual_maximum is not None else salary.annual_minimum
    return to_eur(low, salary.currency), to_eur(high, salary.currency)
