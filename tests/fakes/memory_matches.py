"""In-memory fakes of the match ports (core.ports.matches), for service tests without servers.

Same promises as the Mongo adapters (tests/contract/test_match_ports.py runs one suite over
both). Every method runs without awaiting in between, so each is atomic the way the adapters'
guarded updates are; rows are frozen models, so what a caller gets back cannot change the store.
"""

from __future__ import annotations

import builtins
import secrets
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
from typing import NamedTuple

from core.matches import ApplicationStage, Feedback, Match
from core.ports.matches import (
    DELIVERED,
    Application,
    CandidateRecord,
    LinkStats,
    MatchState,
    StageChange,
)


def _order(user_key: str, job_id: str) -> str:
    """The adapters' row id: ties sort by it."""
    return f"{user_key}|{job_id}"


class InMemoryCandidates:
    """Records as they are; ``put`` and ``erase`` stand in for onboarding and /delete."""

    def __init__(self, records: Iterable[CandidateRecord] = ()) -> None:
        self.records = {record.user_key: record for record in records}

    def put(self, record: CandidateRecord) -> None:
        self.records[record.user_key] = record

    def erase(self, user_key: str) -> None:
        self.records.pop(user_key, None)

    async def get_many(self, user_keys: Sequence[str]) -> dict[str, CandidateRecord]:
        return {key: self.records[key] for key in user_keys if key in self.records}

    async def get(self, user_key: str) -> CandidateRecord | None:
        return self.records.get(user_key)

    async def existing(self, user_keys: Iterable[str]) -> set[str]:
        return {key for key in user_keys if key in self.records}

    async def onboarded_keys(self) -> list[str]:
        return [key for key, record in self.records.items() if record.onboarded]

    async def set_last_digest(self, user_key: str, at: datetime) -> None:
        if user_key in self.records:
            self.records[user_key] = self.records[user_key].model_copy(
                update={"last_digest_at": at}
            )


class _MatchRow(NamedTuple):
    match: Match
    state: MatchState
    delivered_at: datetime | None


class InMemoryMatches:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], _MatchRow] = {}

    async def record_many(
        self,
        matches: Sequence[Match],
        now: datetime,
        alerted: AbstractSet[tuple[str, str]] = frozenset(),
    ) -> builtins.list[Match]:
        fresh = []
        for match in matches:
            pair = (match.user_key, match.job_id)
            row = self.rows.get(pair)
            if row is None:
                sent = pair in alerted
                state = MatchState.ALERTED if sent else MatchState.NEW
                self.rows[pair] = _MatchRow(match, state, now if sent else None)
                fresh.append(match)
            elif row.state is MatchState.NEW:
                self.rows[pair] = row._replace(match=match)
        return fresh

    async def recorded(self, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        return {pair for pair in pairs if pair in self.rows}

    async def new_for_user(self, user_key: str, limit: int) -> builtins.list[Match]:
        waiting = [
            row.match
            for (user, _), row in self.rows.items()
            if user == user_key and row.state is MatchState.NEW
        ]
        waiting.sort(key=lambda m: (-m.score, _order(m.user_key, m.job_id)))
        return waiting[:limit]

    async def get(self, user_key: str, job_id: str) -> Match | None:
        row = self.rows.get((user_key, job_id))
        return None if row is None else row.match

    async def mark(
        self, user_key: str, job_ids: Iterable[str], state: MatchState | str, now: datetime
    ) -> int:
        return await self.mark_pairs([(user_key, job_id) for job_id in job_ids], state, now)

    async def mark_pairs(
        self, pairs: Iterable[tuple[str, str]], state: MatchState | str, now: datetime
    ) -> int:
        state = MatchState(state)
        if state is MatchState.NEW:
            raise ValueError("a match cannot become new again")
        moved = 0
        for pair in set(pairs):
            row = self.rows.get(pair)
            if row is not None and row.state is MatchState.NEW:
                delivered_at = now if state in DELIVERED else None
                self.rows[pair] = row._replace(state=state, delivered_at=delivered_at)
                moved += 1
        return moved

    async def delivered_job_ids(self, user_key: str) -> set[str]:
        return {job for (user, job), row in self.rows.items() if user == user_key and _sent(row)}

    async def delivered_to(self, job_id: str) -> set[str]:
        return {user for (user, job), row in self.rows.items() if job == job_id and _sent(row)}

    async def users_with_new(self) -> builtins.list[str]:
        return sorted({user for (user, _), row in self.rows.items() if row.state is MatchState.NEW})

    async def drop_for_job(self, job_id: str) -> int:
        waiting = [
            pair
            for pair, row in self.rows.items()
            if pair[1] == job_id and row.state is MatchState.NEW
        ]
        for pair in waiting:
            self.rows[pair] = self.rows[pair]._replace(state=MatchState.DROPPED)
        return len(waiting)


def _sent(row: _MatchRow) -> bool:
    return row.state in DELIVERED


class InMemoryApplications:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Application] = {}

    async def set_stage(
        self, user_key: str, job_id: str, stage: ApplicationStage | str, now: datetime
    ) -> Application:
        stage = ApplicationStage(stage)
        row = self.rows.get((user_key, job_id))
        if row is None or row.stage is not stage:
            row = Application(
                user_key=user_key,
                job_id=job_id,
                stage=stage,
                applied_at=None if row is None else row.applied_at,
                updated_at=now,
                history=(*(() if row is None else row.history), StageChange(stage=stage, at=now)),
                followup_queued=row is not None and row.followup_queued,
            )
        if stage is ApplicationStage.APPLIED and row.applied_at is None:
            row = row.model_copy(update={"applied_at": now})
        self.rows[(user_key, job_id)] = row
        return row

    async def remove(self, user_key: str, job_id: str) -> bool:
        return self.rows.pop((user_key, job_id), None) is not None

    async def get(self, user_key: str, job_id: str) -> Application | None:
        return self.rows.get((user_key, job_id))

    async def list(self, user_key: str) -> builtins.list[Application]:
        mine = [app for (user, _), app in self.rows.items() if user == user_key]
        mine.sort(key=lambda app: app.job_id)
        mine.sort(key=lambda app: app.updated_at, reverse=True)
        return mine

    async def due_followups(self, now: datetime, after: timedelta) -> builtins.list[Application]:
        due = [
            app
            for app in self.rows.values()
            if app.stage is ApplicationStage.APPLIED
            and app.applied_at is not None
            and app.applied_at <= now - after
            and not app.followup_queued
        ]
        return sorted(due, key=lambda app: (app.applied_at, _order(app.user_key, app.job_id)))

    async def mark_followup_queued(self, user_key: str, job_id: str) -> bool:
        row = self.rows.get((user_key, job_id))
        if row is None or row.followup_queued:
            return False
        self.rows[(user_key, job_id)] = row.model_copy(update={"followup_queued": True})
        return True

    async def applied_since(self, since: datetime) -> int:
        return sum(
            1
            for app in self.rows.values()
            if app.applied_at is not None and app.applied_at >= since
        )


class _Link(NamedTuple):
    user_key: str
    job_id: str
    url: str
    created_at: datetime
    clicks: int = 0


class InMemoryApplyLinks:
    def __init__(self) -> None:
        self.links: dict[str, _Link] = {}  # by token
        self.tokens: dict[tuple[str, str], str] = {}  # by (user_key, job_id)

    async def links_for(
        self, wanted: Sequence[tuple[str, str, str]], now: datetime
    ) -> dict[tuple[str, str], str]:
        out = {}
        for user_key, job_id, url in wanted:
            pair = (user_key, job_id)
            if pair not in self.tokens:
                self.tokens[pair] = secrets.token_urlsafe(12)
                self.links[self.tokens[pair]] = _Link(user_key, job_id, url, now)
            token = out[pair] = self.tokens[pair]
            self.links[token] = self.links[token]._replace(url=url)
        return out

    async def click(self, token: str, now: datetime) -> str | None:
        link = self.links.get(token)
        if link is None:
            return None
        self.links[token] = link._replace(clicks=link.clicks + 1)
        return link.url

    async def stats_since(self, since: datetime) -> LinkStats:
        made = [link for link in self.links.values() if link.created_at >= since]
        return LinkStats(
            len(made), sum(1 for link in made if link.clicks), sum(link.clicks for link in made)
        )


class InMemoryMatchFeedback:
    def __init__(self) -> None:
        self.given: dict[str, Feedback] = {}

    async def get(self, user_key: str) -> Feedback:
        return self.given.get(user_key, Feedback())

    async def get_many(self, user_keys: Sequence[str]) -> dict[str, Feedback]:
        return {key: self.given[key] for key in user_keys if key in self.given}

    async def not_interested(self, user_key: str, job_id: str, now: datetime) -> None:
        self._add(user_key, "not_interested", job_id)

    async def block_company(self, user_key: str, company_key: str, now: datetime) -> None:
        self._add(user_key, "companies", company_key)

    async def block_role_kind(self, user_key: str, family: str, now: datetime) -> None:
        self._add(user_key, "role_kinds", family)

    def _add(self, user_key: str, field: str, value: str) -> None:
        before = self.given.get(user_key, Feedback())
        kept: tuple[str, ...] = getattr(before, field)
        if value not in kept:
            self.given[user_key] = before.model_copy(update={field: (*kept, value)})
