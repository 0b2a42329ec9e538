"""Salaries in one currency for matching: the conversions live in ``core.money``.

Normalization judges amounts with the same table, so a salary kept at ingest is worth the
same at match time. The names are kept here because the filters, the index and the scorer
import them from matching.
"""

from __future__ import annotations

from core.money import EUR_PER_UNIT, floor_eur, per_year, range_eur, to_eur

__all__ = ["EUR_PER_UNIT", "floor_eur", "per_year", "range_eur", "to_eur"]
