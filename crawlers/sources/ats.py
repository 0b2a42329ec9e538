"""The ATS sources by kind."""

from __future__ import annotations

from core.jobs import SourceKind
from crawlers.sources.ashby import AshbySource
from crawlers.sources.base import AtsSource
from crawlers.sources.greenhouse import GreenhouseSource
from crawlers.sources.lever import LeverSource
from crawlers.sources.smartrecruiters import SmartRecruitersSource
from crawlers.sources.workable import WorkableSource

SOURCES: dict[SourceKind, AtsSource] = {
    SourceKind.GREENHOUSE: GreenhouseSource(),
    SourceKind.LEVER: LeverSource(),
    SourceKind.ASHBY: AshbySource(),
    SourceKind.WORKABLE: WorkableSource(),
    SourceKind.SMARTRECRUITERS: SmartRecruitersSource(),
}
