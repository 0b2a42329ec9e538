"""An admin's correction of one field of a posting (pure): the new posting, or what is wrong."""

from __future__ import annotations

from core.domain import WorkMode
from core.jobs import JobPosting
from crawlers.normalize import collapse_whitespace, parse_locations, parse_salary

_WORK_MODES = {
    "remote": WorkMode.REMOTE,
    "hybrid": WorkMode.HYBRID,
    "onsite": WorkMode.ONSITE,
    "on-site": WorkMode.ONSITE,
    "on site": WorkMode.ONSITE,
    "office": WorkMode.ONSITE,
}


def apply_edit(posting: JobPosting, field: str, text: str) -> JobPosting | str:
    """Apply a correction typed by an admin; a string explains why it was not understood."""
    value = collapse_whitespace(text)
    if field == "title":
        if not 2 <= len(value) <= 200:
            return "A title needs 2 to 200 characters."
        return posting.model_copy(update={"title": value})
    if field == "location":
        locations = parse_locations([part for part in value.split(";") if part.strip()])
        if not locations:
            return "I could not read that location."
        return posting.model_copy(update={"locations": locations})
    if field == "salary":
        country = next((loc.country for loc in posting.locations if loc.country), None)
        salary = parse_salary(None, value, country=country)
        if salary is None:
            return "I could not read that salary."
        return posting.model_copy(update={"salary": salary})
    if field == "work_mode":
        mode = _WORK_MODES.get(value.lower())
        if mode is None:
            return "Please answer remote, hybrid or onsite."
        return posting.model_copy(update={"work_mode": mode})
    return f"{field} cannot be edited here."
