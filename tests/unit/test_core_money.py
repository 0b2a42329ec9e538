"""One FX table: conversions, annualising, and ingest and matching valuing a salary alike."""

from __future__ import annotations

import pytest

from core.domain import SalaryFloor
from core.jobs import RawSalary, Salary, SalaryPeriod
from core.money import EUR_PER_UNIT, annual_range, floor_eur, per_year, range_eur, to_eur
from crawlers.normalize import parse_salary
from crawlers.normalize.salary import PLAUSIBLE_ANNUAL_EUR
from matching import money as matching_money


@pytest.mark.parametrize(
    ("amount", "currency", "eur"),
    [
        (1000.0, "EUR", 1000.0),
        (1000.0, "USD", 920.0),
        (1000.0, "usd", 920.0),
        (1000.0, "GBP", 1170.0),
        (1000.0, "XXX", None),
        (None, "EUR", None),
        (1000.0, None, None),
    ],
)
def test_to_eur(amount: float | None, currency: str | None, eur: float | None) -> None:
    assert to_eur(amount, currency) == (pytest.approx(eur) if eur is not None else None)


@pytest.mark.parametrize(
    ("period", "factor"),
    [("hour", 2080.0), ("day", 260.0), ("week", 52.0), ("month", 12.0), ("year", 1.0),
     (SalaryPeriod.MONTH, 12.0), ("fortnight", 1.0)],
)  # fmt: skip
def test_per_year(period: str, factor: float) -> None:
    assert per_year(period) == factor


@pytest.mark.parametrize(
    ("floor", "eur"),
    [
        (SalaryFloor(amount=60_000, currency="USD", period="year"), 55_200.0),
        (SalaryFloor(amount=4_000, currency="EUR", period="month"), 48_000.0),
        (SalaryFloor(amount=30, currency="GBP", period="hour"), 30 * 2080 * 1.17),
        (SalaryFloor(amount=1, currency="XXX", period="year"), None),
        (None, None),
    ],
)
def test_floor_eur(floor: SalaryFloor | None, eur: float | None) -> None:
    assert floor_eur(floor) == (pytest.approx(eur) if eur is not None else None)


@pytest.mark.parametrize(
    ("salary", "own", "eur"),
    [
        (
            Salary(minimum=50, maximum=60, currency="USD", period=SalaryPeriod.HOUR),
            (104_000.0, 124_800.0),
            (95_680.0, 114_816.0),
        ),
        (
            Salary(minimum=4_000, currency="EUR", period=SalaryPeriod.MONTH),
            (48_000.0, 48_000.0),
            (48_000.0, 48_000.0),
        ),
        (
            # Figures normalization annualised win over the period.
            Salary(minimum=5, maximum=6, currency="EUR", period=SalaryPeriod.HOUR,
                   annual_minimum=50_000, annual_maximum=None),
            (50_000.0, 50_000.0),
            (50_000.0, 50_000.0),
        ),
        (
            Salary(minimum=1, currency="XXX", period=SalaryPeriod.YEAR),
            (1.0, 1.0),
            (None, None),
        ),
    ],
)  # fmt: skip
def test_annual_and_eur_ranges(
    salary: Salary, own: tuple[float, float], eur: tuple[float | None, float | None]
) -> None:
    assert annual_range(salary) == pytest.approx(own)
    low, high = range_eur(salary)
    assert (low, high) == (
        pytest.approx(eur[0]) if eur[0] is not None else None,
        pytest.approx(eur[1]) if eur[1] is not None else None,
    )


def test_matching_converts_with_the_core_table() -> None:
    assert matching_money.EUR_PER_UNIT is EUR_PER_UNIT
    assert matching_money.range_eur is range_eur
    assert matching_money.floor_eur is floor_eur


# Around the plausibility floor (1,000 EUR a year = 1,087 USD) and ceiling (2,000,000 EUR =
# 2,173,913 USD). With a second table at ingest (USD = EUR) the 1,050 and 2,100,000 rows
# disagree: ingest kept or dropped by dollars, matching valued them in euros.
@pytest.mark.parametrize("usd_per_year", [1_050, 1_100, 2_100_000, 2_200_000, 60_000])
def test_a_usd_salary_is_judged_at_ingest_by_what_matching_says_it_is_worth(
    usd_per_year: int,
) -> None:
    raw = RawSalary(minimum=usd_per_year, currency="USD", period="year")
    kept = parse_salary(raw)
    worth = matching_money.range_eur(
        Salary(minimum=usd_per_year, currency="USD", period=SalaryPeriod.YEAR)
    )[0]
    assert worth is not None
    low, high = PLAUSIBLE_ANNUAL_EUR
    assert (kept is not None) == (low <= worth <= high)


# Every currency code the salary parser reads in a posting's text. Not BGN: Bulgaria took the
# euro in 2026 and pycountry no longer lists it, so ingest does not accept it as a currency.
_INGEST_CURRENCIES = [
    "EUR", "USD", "GBP", "CHF", "CAD", "AUD", "NZD", "JPY", "CNY", "INR", "SEK", "NOK",
    "DKK", "PLN", "CZK", "HUF", "RON", "TRY", "ILS", "BRL", "MXN", "ARS", "CLP", "COP",
    "PEN", "ZAR", "SGD", "HKD", "KRW", "AED", "SAR", "UAH", "PHP", "THB", "IDR", "MYR",
    "TWD",
]  # fmt: skip


@pytest.mark.parametrize("currency", _INGEST_CURRENCIES)
def test_every_currency_ingest_reads_has_a_rate_for_matching(currency: str) -> None:
    """A salary kept at ingest is not "unknown" at match time for want of a rate."""
    assert currency in EUR_PER_UNIT
    amount = round(50_000 / EUR_PER_UNIT[currency])
    kept = parse_salary(None, f"{amount:,} {currency} per year")
    assert kept is not None
    assert kept.currency == currency
    low, _ = matching_money.range_eur(kept)
    assert low == pytest.approx(50_000, rel=0.01)
