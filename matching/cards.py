"""The port through which the match service renders what it sends: job cards, digests, the
tracker and the answers to match buttons. conversations.match_views implements it
(``MatchViews``); matching may not import the conversation, so it names only what it needs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from core.channels import Reply
from core.domain import Frequency
from core.matches import JobForMatching, Match, MatchAction, TrackedJob


class JobCards(Protocol):
    """Renders matches and the answers to what candidates do with them, in their language."""

    def job_card(
        self,
        job: JobForMatching,
        match: Match,
        lang: str,
        apply_url: str | None,
        *,
        header: str | None = None,
    ) -> Reply: ...

    def first_batch_header(self, found: int, shown: int, lang: str) -> str: ...

    def first_batch_empty(self, live_jobs: int, lang: str) -> Reply: ...

    def digest_header(self, count: int, frequency: Frequency | str, lang: str) -> str: ...

    def one_message(self, cards: Sequence[Reply], lang: str) -> Reply: ...

    def followup_prompt(self, job_id: str, title: str, company: str | None, lang: str) -> Reply: ...

    def why_text(self, job: JobForMatching, match: Match, lang: str) -> Reply: ...

    def not_interested_menu(self, job: JobForMatching, lang: str) -> Reply: ...

    def acknowledge(
        self, action: MatchAction, title: str, lang: str, *, company: str | None = None
    ) -> Reply: ...

    def job_gone(self, lang: str) -> Reply: ...

    def applications_view(self, entries: Sequence[TrackedJob], lang: str) -> list[Reply]: ...
