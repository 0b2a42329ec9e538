"""The posting models live in ``core.jobs`` (matching reads them too); re-exported here."""

from core.jobs import (
    EmploymentType,
    Extraction,
    JobPosting,
    Location,
    RawPosting,
    RawSalary,
    Salary,
    SalaryPeriod,
    SourceKind,
)

__all__ = [
    "EmploymentType",
    "Extraction",
    "JobPosting",
    "Location",
    "RawPosting",
    "RawSalary",
    "Salary",
    "SalaryPeriod",
    "SourceKind",
]
