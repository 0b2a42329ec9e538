"""Salaries in one currency and one period, so a floor can be held against a range (pure).

Normalization (is an amount plausible for its period?) and matching (does a range reach a
candidate's floor?) both convert with this one table: were there two, the same salary could
be kept at ingest and judged in another currency at match time.

The rates are fixed reference rates in euros per unit. Source: the table the matching code
used until issue 12 ("November 2026, rounded", 25 currencies, USD = 0.92 EUR); the currencies
only normalization knew were added from its units-per-US-dollar table at that USD rate and
rounded to two significant digits. Good enough to tell whether a range reaches a floor, not
for accounting; update all rows together, with the date. A currency missing here compares
as unknown: such a job is not excluded, only ranked like a job without a salary.
"""

from __future__ import annotations

from core.domain import SalaryFloor
from core.jobs import ANNUAL_FACTORS, Salary, SalaryPeriod

RATES_AS_OF = "2026-11"

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
    "ISK": 0.0066,
    "PLN": 0.23,
    "CZK": 0.040,
    "HUF": 0.0025,
    "RON": 0.20,
    "BGN": 0.51,
    "TRY": 0.027,
    "UAH": 0.022,
    "RUB": 0.010,
    "JPY": 0.0061,
    "CNY": 0.13,
    "KRW": 0.00066,
    "INR": 0.011,
    "SGD": 0.69,
    "HKD": 0.118,
    "TWD": 0.029,
    "PHP": 0.016,
    "THB": 0.026,
    "IDR": 0.000058,
    "MYR": 0.20,
    "VND": 0.000037,
    "BRL": 0.17,
    "MXN": 0.050,
    "ARS": 0.00092,
    "CLP": 0.00097,
    "COP": 0.00023,
    "PEN": 0.24,
    "ZAR": 0.050,
    "NGN": 0.00061,
    "KES": 0.0071,
    "EGP": 0.018,
    "ILS": 0.25,
    "AED": 0.25,
    "SAR": 0.25,
}


def per_year(period: str | SalaryPeriod) -> float:
    """How many of a period ("hour", "month", ...) make a year; 1 for one we do not know."""
    try:
        return float(ANNUAL_FACTORS[SalaryPeriod(period)])
    except ValueError:
        return 1.0


def to_eur(amount: float | None, currency: str | None) -> float | None:
    """``amount`` in euros; None when either is missing or the currency has no rate."""
    if amount is None or currency is None:
        return None
    rate = EUR_PER_UNIT.get(currency.upper())
    return None if rate is None else amount * rate


def floor_eur(floor: SalaryFloor | None) -> float | None:
    """A candidate's floor per year in EUR; None when unset or in an unknown currency."""
    if floor is None:
        return None
    return to_eur(floor.amount * per_year(floor.period), floor.currency)


def annual_range(salary: Salary) -> tuple[float | None, float | None]:
    """A job's yearly range in its own currency, each end standing in for a missing other.

    The annual figures normalization computed are used; a salary without them (a posting from
    elsewhere, a hand-made file) is annualized here from its period.
    """
    if salary.annual_minimum is None and salary.annual_maximum is None:
        factor = per_year(salary.period)
        annual_min = None if salary.minimum is None else salary.minimum * factor
        annual_max = None if salary.maximum is None else salary.maximum * factor
    else:
        annual_min, annual_max = salary.annual_minimum, salary.annual_maximum
    low = annual_min if annual_min is not None else annual_max
    high = annual_max if annual_max is not None else annual_min
    return low, high


def range_eur(salary: Salary | None) -> tuple[float | None, float | None]:
    """A job's yearly range in EUR, (None, None) when it has none or its currency is unknown."""
    if salary is None:
        return None, None
    low, high = annual_range(salary)
    return to_eur(low, salary.currency), to_eur(high, salary.currency)
