"""What the match service needs of its stores: candidates, matches, the tracker, links, feedback.

Each port holds exactly what the services call. The row types they take and return live here
too, so a service, an adapter and a fake share one vocabulary and none of them names Mongo.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple, Protocol

from core.channels import Channel
from core.domain import Frozen, Profile
from core.matches import ApplicationStage, Feedback, Match

# --- rows --------------------------------------------------------------------------------------


class CandidateRecord(Frozen):
    user_key: str  # the person's key: their profile, matches and tracker are under it
    lang: str
    profile: Profile
    onboarded: bool
    messages_allowed: bool  # the latest job-messages consent is a grant
    channel: Channel
    chat_id: str
    reachable: bool
    linked: tuple[str, ...] = ()
    last_digest_at: datetime | None = None
    # The chat or address that gets their messages (the first of a linked person's route);
    # channel and chat_id are its. Unset: the person's own chat, ``user_key``.
    target_key: str | None = None

    @property
    def deliver_to(self) -> str:
        return self.target_key or self.user_key

    @property
    def wants_matches(self) -> bool:
        return self.onboarded and self.messages_allowed and not self.profile.paused


class MatchState(StrEnum):
    NEW = "new"  # found, not sent yet
    ALERTED = "alerted"  # sent on its own, as it appeared
    DIGESTED = "digested"  # sent in a digest
    DROPPED = "dropped"  # never to be sent (the job closed, or the user turned it down)


DELIVERED = (MatchState.ALERTED, MatchState.DIGESTED)


class StageChange(Frozen):
    stage: ApplicationStage
    at: datetime


class Application(Frozen):
    """A job the user saved or applied to, as the tracker shows it."""

    user_key: str
    job_id: str
    stage: ApplicationStage
    applied_at: datetime | None = None  # the first time it became "applied"
    updated_at: datetime
    history: tuple[StageChange, ...] = ()
    followup_queued: bool = False


class LinkStats(NamedTuple):
    links: int  # links made
    clicked_links: int  # of those, clicked at least once
    clicks: int  # all clicks on them


# --- ports -------------------------------------------------------------------------------------


class Candidates(Protocol):
    """People as matching and delivery see them: profile, language, where to reach them."""

    async def get_many(self, user_keys: Sequence[str]) -> dict[str, CandidateRecord]:
        """The records of these people by key; anyone without a conversation (never started,
        or erased) or without a chat to reach is left out."""
        ...

    async def get(self, user_key: str) -> CandidateRecord | None:
        """One person's record, or None as ``get_many`` would leave them out."""
        ...

    async def existing(self, user_keys: Iterable[str]) -> set[str]:
        """Which of these people still have a conversation (an erasure removes it first)."""
        ...

    async def onboarded_keys(self) -> list[str]:
        """Everyone who finished onboarding, in no particular order."""
        ...

    async def set_last_digest(self, user_key: str, at: datetime) -> None:
        """Note when this person last got a digest (read back as ``last_digest_at``); an
        unknown person is ignored."""
        ...


class Matches(Protocol):
    """One match per user × job; once delivered or dropped it never changes again."""

    async def record_many(
        self,
        matches: Sequence[Match],
        now: datetime,
        alerted: AbstractSet[tuple[str, str]] = frozenset(),
    ) -> builtins.list[Match]:
        """Store the matches not seen before (``alerted`` pairs as alerted already, the rest as
        new) and return those, in order; a match seen before that is still new takes the fresh
        score and reasons, any other stays as it was."""
        ...

    async def recorded(self, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (user_key, job_id) were matched before, in any state."""
        ...

    async def new_for_user(self, user_key: str, limit: int) -> builtins.list[Match]:
        """Up to ``limit`` of the user's matches not sent yet, best score first (ties by job)."""
        ...

    async def get(self, user_key: str, job_id: str) -> Match | None:
        """The stored match, in any state; None when there is none."""
        ...

    async def mark(
        self, user_key: str, job_ids: Iterable[str], state: MatchState | str, now: datetime
    ) -> int:
        """Move the user's still-new matches among ``job_ids`` to ``state``; returns how many
        moved. ``state`` may be a plain name; NEW or an unknown name raises ValueError."""
        ...

    async def mark_pairs(
        self, pairs: Iterable[tuple[str, str]], state: MatchState | str, now: datetime
    ) -> int:
        """``mark`` for many (user_key, job_id) at once."""
        ...

    async def delivered_job_ids(self, user_key: str) -> set[str]:
        """Every job alerted or digested to this user: it never reappears."""
        ...

    async def delivered_to(self, job_id: str) -> set[str]:
        """The users this job was alerted or digested to."""
        ...

    async def users_with_new(self) -> builtins.list[str]:
        """The users with a match not sent yet, sorted."""
        ...

    async def drop_for_job(self, job_id: str) -> int:
        """A closed job: its matches not sent yet are dropped; returns how many."""
        ...


class Applications(Protocol):
    """The application tracker: one row per user × job, its stage and how it got there."""

    async def set_stage(
        self, user_key: str, job_id: str, stage: ApplicationStage | str, now: datetime
    ) -> Application:
        """Move to ``stage`` (creating the row) and add it to the history; the same stage again
        changes nothing, even when tapped concurrently. The first "applied" sets
        ``applied_at`` for good. An unknown stage name raises ValueError."""
        ...

    async def remove(self, user_key: str, job_id: str) -> bool:
        """Forget the row; False when there was none."""
        ...

    async def get(self, user_key: str, job_id: str) -> Application | None: ...

    async def list(self, user_key: str) -> builtins.list[Application]:
        """The user's tracker, most recently changed first (ties by job)."""
        ...

    async def due_followups(self, now: datetime, after: timedelta) -> builtins.list[Application]:
        """Applications still at "applied" ``after`` since, whose follow-up is not queued yet;
        oldest first."""
        ...

    async def mark_followup_queued(self, user_key: str, job_id: str) -> bool:
        """True for the one caller that marks it first: only that one asks the question."""
        ...

    async def applied_since(self, since: datetime) -> int:
        """Applications first marked "applied" since a moment: the apply rate's numerator."""
        ...


class ApplyLinks(Protocol):
    """Tracked Apply links: a random token per user × job that redirects and counts clicks."""

    async def links_for(
        self, wanted: Sequence[tuple[str, str, str]], now: datetime
    ) -> dict[tuple[str, str], str]:
        """The token of each (user_key, job_id, url), by (user_key, job_id): made once per user
        × job, even by concurrent callers, and leading to the latest ``url`` from now on."""
        ...

    async def click(self, token: str, now: datetime) -> str | None:
        """Count a click (every one, concurrent ones too); the URL to send the user to, or
        None for an unknown token."""
        ...

    async def stats_since(self, since: datetime) -> LinkStats:
        """Links made since a moment, how many of them were clicked, and their clicks."""
        ...


class MatchFeedback(Protocol):
    """What each user turned down; every write is idempotent and keeps first-seen order."""

    async def get(self, user_key: str) -> Feedback:
        """The user's feedback; empty for someone who gave none."""
        ...

    async def get_many(self, user_keys: Sequence[str]) -> dict[str, Feedback]:
        """Feedback of many users at once; users who gave none are left out."""
        ...

    async def not_interested(self, user_key: str, job_id: str, now: datetime) -> None: ...

    async def block_company(self, user_key: str, company_key: str, now: datetime) -> None: ...

    async def block_role_kind(self, user_key: str, family: str, now: datetime) -> None: ...
