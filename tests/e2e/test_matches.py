"""Matching and delivery end to end: candidates onboard through the webhook, an admin approves a
job, the worker embeds it (the real model), asks Qdrant (local mode) for candidates, scores them
and delivers alerts and digests through the outbox to the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr

from core.domain import WorkMode
from core.jobs import (
    Extraction,
    JobPosting,
    JobStatus,
    Location,
    Salary,
    SalaryPeriod,
    Source,
    SourceKind,
    StoredJob,
)
from core.settings import CrawlSettings
from core.store.documents import OutboxDoc
from tests.conftest import WEBHOOK_SECRET, Stack, running
from tests.e2e.test_admin import ADMIN, Clock, inbox, key, presses
from tests.e2e.test_telegram_webhook import Person, settled
from tests.fakes.telegram_api import FakeTelegramAPI

pytestmark = pytest.mark.e2e

ALICE, BOB, CAROL, DAVE, ERIN = 8001, 8002, 8003, 8004, 8005


class TickingClock(Clock):
    """Real time moved by an offset: delivery waits (rate limits, retries) still pass."""

    def __init__(self) -> None:
        super().__init__()
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)

    def set(self, when: datetime) -> None:
        self.offset = when - datetime.now(UTC)


def tomorrow_in_berlin(hour: int, minute: int = 0) -> datetime:
    berlin = datetime.now(UTC).astimezone(ZoneInfo("Europe/Berlin"))
    local = (berlin + timedelta(days=1)).replace(hour=hour, minute=minute, second=0)
    return local.replace(microsecond=0).astimezone(UTC)


@pytest.fixture
def clock() -> TickingClock:
    """Early tomorrow morning in Berlin, so no daily digest falls due while a test runs (the
    worker's digest cron runs every minute on whatever the clock says)."""
    ticking = TickingClock()
    ticking.set(tomorrow_in_berlin(5))
    return ticking


@pytest.fixture
async def match_stack(
    settings_factory: Any, fake_telegram: FakeTelegramAPI, clock: TickingClock
) -> AsyncIterator[Stack]:
    """The whole service with a worker; every service reads the test's clock."""
    settings = settings_factory(
        telegram=fake_telegram.telegram_settings(webhook_secret=SecretStr(WEBHOOK_SECRET)),
        admins=[ADMIN],
        crawl=CrawlSettings(allow_loopback=True, per_domain_delay_s=0),
        public_url="https://jobscout.example",
    )
    async with running(settings, fake_telegram, clock=clock) as started:
        yield started


# --- helpers ----------------------------------------------------------------------------------


async def onboard(
    person: Person,
    *,
    roles: str,
    mode: str,
    places: str,
    seniority: str,
    salary: str | None,
    frequency: str,
    quiet: str = "quiet_hours:none",
    first_batch: int = 1,
) -> list[str]:
    """The real onboarding conversation, without a resume; returns the first batch that follows
    "All set" (``first_batch`` messages: a word on the live jobs, or the best ones as cards)."""
    await person.says("/start")
    await person.taps("consent:yes:en", expect=2)
    await person.says(roles)
    await person.taps(f"work_mode:{mode}")
    await person.says(places)
    await person.taps(f"seniority:{seniority}")
    if salary is None:
        await person.taps("salary:skip")
    else:
        await person.says(salary)
    await person.taps("resume:skip")
    await person.taps(f"frequency:{frequency}")
    await person.says("Berlin")  # the time zone: Europe/Berlin
    # "All set", the menu, then the first batch (waited for in the same breath: it may arrive
    # before the menu has been read).
    if quiet.startswith("quiet_hours:"):
        done = await person.taps(quiet, expect=2 + first_batch)
    else:
        done = await person.says(quiet, expect=2 + first_batch)
    assert "All set" in done[0]
    return done[2:]


async def eventually(check: Any) -> None:
    async with asyncio.timeout(20):
        while not await check():  # noqa: ASYNC110 - the worker runs on its own; poll it
            await asyncio.sleep(0.05)


async def indexed(stack: Stack, *user_ids: int) -> None:
    keys = [key(user_id) for user_id in user_ids]

    async def all_there() -> bool:
        found = await stack.runtime.matches.index.vectors("candidates", keys)
        return len(found) == len(keys)

    await eventually(all_there)


# A row put back for a moment (a chat's pacing: 0.2 s in these tests) is still on its way.
ABOUT_TO_GO = timedelta(seconds=2)


async def delivered(stack: Stack) -> None:
    """Nothing is queued for the worker and nothing waits in the outbox, due now or in a
    moment (rows held for later, such as quiet hours or a closed window, may stay)."""

    async def idle() -> bool:
        due = {
            "status": {"$in": ["pending", "sending"]},
            "not_before": {"$lte": stack.runtime.matches.clock() + ABOUT_TO_GO},
        }
        busy = await OutboxDoc.collection().count_documents(due)
        try:
            queued = await stack.runtime.queue.pool.queued_jobs()
        except RuntimeError:  # arq: a job finished between listing and reading it; look again
            return False
        return busy == 0 and not [job for job in queued if job.function != "deliver_outbox"]

    await settled(stack)
    await eventually(idle)


async def seed_job(
    stack: Stack,
    job_id: str,
    *,
    title: str = "Senior Backend Engineer (Python)",
    company: str = "Acme GmbH",
    locations: tuple[Location, ...] = (Location(country="DE", raw="Remote, Germany"),),
    work_mode: WorkMode = WorkMode.REMOTE,
    skills: tuple[str, ...] = ("Python", "Django", "PostgreSQL"),
) -> StoredJob:
    now = stack.runtime.admin.clock()
    source = await stack.runtime.admin.sources.get("src001")
    if source is None:
        source = await stack.runtime.admin.sources.add(
            Source(
                id="src001",
                kind=SourceKind.GREENHOUSE,
                locator="acme",
                name="acme",
                created_at=now,
            )
        )
    posting = JobPosting(
        source_kind=SourceKind.GREENHOUSE,
        extraction=Extraction.ATS_API,
        external_id=job_id,
        title=title,
        company=company,
        url=f"https://boards.example.org/acme/jobs/{job_id}",
        locations=locations,
        work_mode=work_mode,
        salary=Salary(
            minimum=70000,
            maximum=85000,
            currency="EUR",
            period=SalaryPeriod.YEAR,
            annual_minimum=70000,
            annual_maximum=85000,
        ),
        skills=skills,
        description_md="We build APIs in Python and Django on PostgreSQL.",
        posted_at=now.date(),
    )
    job = StoredJob(
        id=job_id,
        source_ids=(source.id,),
        posting=posting,
        status=JobStatus.PENDING_REVIEW,
        fingerprint=f"fp-{job_id}",
        first_seen_at=now,
        last_seen_at=now,
    )
    await stack.runtime.admin.jobs.insert(job, f"{source.id}:{job_id}", "acme")
    return job


async def approve(stack: Stack, job_id: str) -> None:
    admin = Person(stack, ADMIN)
    replies = await admin.says(f"/approve {job_id}")
    assert replies[0].startswith("Approved")


def alerts(stack: Stack, user_id: int, job: StoredJob) -> list[str]:
    return [text for text in stack.telegram.messages_to(user_id) if job.posting.title in text]


# --- tests ------------------------------------------------------------------------------------


async def test_an_approved_job_alerts_exactly_the_candidates_it_fits_once_each(
    match_stack: Stack,
) -> None:
    stack = match_stack
    alice, bob, carol, dave = (Person(stack, uid) for uid in (ALICE, BOB, CAROL, DAVE))
    await onboard(
        alice, roles="Backend Developer", mode="remote", places="Berlin, Germany",
        seniority="senior", salary="60k EUR", frequency="instant",
    )
    await onboard(
        bob, roles="Nurse", mode="onsite", places="Madrid, Spain", seniority="mid",
        salary=None, frequency="instant",
    )
    await onboard(  # the right job, but it is remote from Germany only
        carol, roles="Backend Developer", mode="remote", places="Valencia, Spain",
        seniority="senior", salary=None, frequency="instant",
    )
    await onboard(  # fits, but wants a daily digest, not alerts
        dave, roles="Python Developer", mode="remote", places="Hamburg, Germany",
        seniority="senior", salary=None, frequency="daily",
    )
    await indexed(stack, ALICE, BOB, CAROL, DAVE)
    job = await seed_job(stack, "job00001")

    await approve(stack, job.id)
    await stack.telegram.wait_for_messages(ALICE, alice.seen + 1)
    await delivered(stack)

    assert len(alerts(stack, ALICE, job)) == 1
    card = alerts(stack, ALICE, job)[0]
    assert "Acme GmbH" in card
    assert "70,000–85,000 EUR" in card
    assert "Python" in card
    buttons = [data for _, data in stack.telegram.buttons_to(ALICE)[1]]
    assert buttons == [f"m:save:{job.id}", f"m:applied:{job.id}"]
    for user_id in (BOB, CAROL, DAVE):
        assert alerts(stack, user_id, job) == []
    # Dave's match waits for his digest.
    assert [m.job_id for m in await stack.runtime.matches.matches.new_for_user(key(DAVE), 10)] == [
        job.id
    ]

    # Approving again (a second admin action, a revised job) never sends it twice.
    await approve(stack, job.id)
    await delivered(stack)
    assert len(alerts(stack, ALICE, job)) == 1


async def test_the_apply_button_is_a_tracked_link_and_stats_count_it(match_stack: Stack) -> None:
    stack = match_stack
    alice = Person(stack, ALICE)
    await onboard(
        alice, roles="Backend Developer", mode="remote", places="Berlin, Germany",
        seniority="senior", salary=None, frequency="instant",
    )
    await indexed(stack, ALICE)
    job = await seed_job(stack, "job00002")
    await approve(stack, job.id)
    await stack.telegram.wait_for_messages(ALICE, alice.seen + 1)
    await delivered(stack)

    calls = stack.telegram.calls_to(ALICE)
    markup = calls[-1].params["reply_markup"]
    url = markup["inline_keyboard"][0][0]["url"]
    assert url.startswith("https://jobscout.example/r/")
    token = url.rsplit("/", 1)[1]
    response = await stack.http.get(f"{stack.base_url}/r/{token}", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == job.posting.url

    await alice.taps(f"m:applied:{job.id}")
    admin = Person(stack, ADMIN)
    admin.seen = len(stack.telegram.messages_to(ADMIN))
    stats = (await admin.says("/stats"))[0]
    assert "Matches sent (14 days): 1" in stats
    assert "Click-through: 100%" in stats
    assert "Apply rate: 100%" in stats


async def test_a_digest_goes_out_at_the_local_digest_hour_never_in_quiet_hours(
    match_stack: Stack, clock: TickingClock
) -> None:
    stack = match_stack
    clock.set(tomorrow_in_berlin(7, 30))
    dave, erin = Person(stack, DAVE), Person(stack, ERIN)
    await onboard(
        dave, roles="Backend Developer", mode="remote", places="Berlin, Germany",
        seniority="senior", salary=None, frequency="daily", quiet="quiet_hours:22-7",
    )
    await onboard(  # quiet from 08:00 to 11:00: the 09:00 digest waits until 11:00
        erin, roles="Backend Developer", mode="remote", places="Berlin, Germany",
        seniority="senior", salary=None, frequency="daily", quiet="8-11",
    )
    await indexed(stack, DAVE, ERIN)
    first = await seed_job(stack, "job00003")
    second = await seed_job(stack, "job00004", title="Python Backend Developer")
    await approve(stack, first.id)
    await approve(stack, second.id)
    await delivered(stack)
    await eventually(
        lambda: _count_new(stack, DAVE, 2)
    )
    assert alerts(stack, DAVE, first) == []

    matches = stack.runtime.matches
    assert await matches.send_digests() == 0  # 07:30: before the digest hour

    clock.advance(hours=1, minutes=35)  # 09:05 in Berlin
    assert await matches.send_digests() == 1  # Dave; Erin is in quiet hours
    await stack.telegram.wait_for_messages(DAVE, dave.seen + 2)
    await delivered(stack)
    digest = stack.telegram.messages_to(DAVE)[dave.seen :]
    assert len(digest) == 2
    assert digest[0].startswith("Your daily digest: 2 new jobs")
    assert {first.posting.title in text or second.posting.title in text for text in digest} == {
        True
    }
    assert stack.telegram.messages_to(ERIN)[erin.seen :] == []
    assert await matches.send_digests() == 0  # once a day

    clock.advance(hours=2)  # 11:05 in Berlin: Erin's quiet hours are over
    assert await matches.send_digests() == 1
    await stack.telegram.wait_for_messages(ERIN, erin.seen + 2)
    clock.advance(hours=1)
    assert await matches.send_digests() == 0  # nothing new for anyone: nothing sent


async def _count_new(stack: Stack, user_id: int, count: int) -> bool:
    return len(await stack.runtime.matches.matches.new_for_user(key(user_id), 10)) == count


async def test_feedback_shapes_what_comes_next_and_the_tracker_follows_up_once(
    match_stack: Stack, clock: TickingClock
) -> None:
    stack = match_stack
    alice = Person(stack, ALICE)
    await onboard(
        alice, roles="Backend Developer", mode="remote", places="Berlin, Germany",
        seniority="senior", salary=None, frequency="instant",
    )
    await indexed(stack, ALICE)
    job = await seed_job(stack, "job00005")
    await approve(stack, job.id)
    await inbox(alice, 1)

    why = (await alice.taps(f"m:why:{job.id}"))[0]
    assert "Required skills you're missing: Python" in why  # she sent no resume
    await presses(alice, f"m:save:{job.id}")
    tracker = await presses(alice, "m:apps", expect=2)
    assert "Saved: 1" in tracker[0]
    assert job.posting.title in tracker[1]
    await presses(alice, f"m:stage:applied:{job.id}")

    # "Not interested in this company": the next Acme job is not sent; another company's is.
    await presses(alice, f"m:ni:{job.id}")
    choices = [data for row in stack.telegram.buttons_to(ALICE) for _, data in row]
    assert choices == [f"m:nij:{job.id}", f"m:nic:{job.id}", f"m:nik:{job.id}"]
    await presses(alice, f"m:nic:{job.id}")
    acme = await seed_job(stack, "job00006", title="Backend Engineer")
    other = await seed_job(stack, "job00007", title="Backend Engineer", company="Globex")
    await approve(stack, acme.id)
    await approve(stack, other.id)
    await stack.telegram.wait_for_messages(ALICE, alice.seen + 1)
    await delivered(stack)
    new = stack.telegram.messages_to(ALICE)[alice.seen :]
    assert len(new) == 1
    assert "Globex" in new[0]
    alice.seen += 1

    # A week after "applied": "heard back?", once.
    matches = stack.runtime.matches
    assert await matches.queue_followups() == 0
    clock.advance(days=7, hours=1)
    assert await matches.queue_followups() == 1
    prompt = await inbox(alice, 1)
    assert job.posting.title in prompt[0]
    assert await matches.queue_followups() == 0
    await presses(alice, f"m:heard:interview:{job.id}")
    tracker = await presses(alice, "m:apps", expect=2)
    assert "Interviewing: 1" in tracker[0]


async def test_delete_removes_the_candidates_vector(match_stack: Stack) -> None:
    stack = match_stack
    alice = Person(stack, ALICE)
    await onboard(
        alice, roles="Backend Developer", mode="remote", places="Berlin, Germany",
        seniority="senior", salary=None, frequency="instant",
    )
    await indexed(stack, ALICE)
    await alice.says("/delete")
    await alice.taps("delete:yes")
    await settled(stack)
    assert await stack.runtime.matches.index.vectors("candidates", [key(ALICE)]) == {}


async def test_not_interested_in_a_job_lowers_jobs_like_it_and_not_others(
    match_stack: Stack,
) -> None:
    stack = match_stack
    alice, bob = Person(stack, ALICE), Person(stack, BOB)
    for person in (alice, bob):
        await onboard(
            person, roles="Backend Developer", mode="remote", places="Berlin, Germany",
            seniority="senior", salary=None, frequency="instant",
        )
    await indexed(stack, ALICE, BOB)
    job = await seed_job(stack, "job00008")
    await approve(stack, job.id)
    await inbox(alice, 1)
    await inbox(bob, 1)
    await presses(alice, f"m:nij:{job.id}")  # Alice: not this job; Bob says nothing

    # The same job again from another company: for Alice it is close to one she turned down.
    twin = await seed_job(stack, "job00009", company="Globex")
    await approve(stack, twin.id)
    await delivered(stack)
    store = stack.runtime.matches.matches
    hers, his = await store.get(key(ALICE), twin.id), await store.get(key(BOB), twin.id)
    assert his is not None
    settings = stack.settings.matching
    if hers is None:  # the penalty pushed it under the threshold: not even recorded
        # (the threshold judges the score without recency: recency orders, never decides)
        assert his.send_score - settings.similar_to_disliked_penalty < settings.threshold
    else:
        assert hers.penalty == pytest.approx(his.penalty + settings.similar_to_disliked_penalty)
        assert hers.score < his.score


# --- the first batch after onboarding and after /prefs ------------------------------------------


async def said(person: Person, needle: str) -> str:
    """The first message since the person last looked that contains ``needle`` (waits for it)."""

    async def arrived() -> bool:
        return any(needle in text for text in person.stack.telegram.messages_to(person.id))

    await eventually(arrived)
    messages = person.stack.telegram.messages_to(person.id)
    person.seen = len(messages)
    return next(text for text in messages if needle in text)


@pytest.mark.parametrize("last_answer", ["quiet_hours:none", "quiet_hours:22-7", "23-6", "none"])
async def test_every_way_of_finishing_onboarding_gets_an_honest_first_word(
    match_stack: Stack, last_answer: str
) -> None:
    """Whatever the last answer, the candidate is indexed and told about the live jobs: with
    none yet, that an admin needs to add sources."""
    stack = match_stack
    alice = Person(stack, ALICE)
    (first,) = await onboard(
        alice, roles="Backend Developer", mode="remote", places="Berlin, Germany",
        seniority="senior", salary=None, frequency="daily", quiet=last_answer,
    )
    assert "No jobs yet" in first
    await indexed(stack, ALICE)


async def test_the_first_batch_sends_the_best_live_jobs_now_whatever_the_frequency(
    match_stack: Stack,
) -> None:
    stack = match_stack
    fitting = [
        await seed_job(stack, "job00011"),
        await seed_job(stack, "job00012", title="Python Backend Developer"),
    ]
    await seed_job(
        stack, "job00013", title="Registered Nurse", company="Klinikum Nord",
        skills=("Patient care",), work_mode=WorkMode.ONSITE,
        locations=(Location(city="Madrid", country="ES", raw="Madrid, Spain"),),
    )
    for job_id in ("job00011", "job00012", "job00013"):
        await approve(stack, job_id)
    await delivered(stack)
    dave = Person(stack, DAVE)
    batch = await onboard(  # a daily digest, yet the first batch comes now
        dave, roles="Backend Developer", mode="remote", places="Berlin, Germany",
        seniority="senior", salary=None, frequency="daily", first_batch=2,
    )
    assert batch[0].startswith("I found 2 live jobs that fit you right now")
    assert {job.posting.title for job in fitting} == {
        title for job in fitting for text in batch if (title := job.posting.title) in text
    }
    assert not any("Registered Nurse" in text for text in batch)
    # Shown now, so the next digest does not repeat them.
    await delivered(stack)
    assert await stack.runtime.matches.matches.new_for_user(key(DAVE), 10) == []


async def test_live_jobs_that_fit_no_one_are_counted_honestly_and_prefs_match_again(
    match_stack: Stack,
) -> None:
    stack = match_stack
    await seed_job(
        stack, "job00021", title="Registered Nurse", company="Klinikum Nord",
        skills=("Patient care",), work_mode=WorkMode.ONSITE,
        locations=(Location(city="Madrid", country="ES", raw="Madrid, Spain"),),
    )
    await approve(stack, "job00021")
    await delivered(stack)
    erin = Person(stack, ERIN)
    (first,) = await onboard(
        erin, roles="Backend Developer", mode="remote", places="Berlin, Germany",
        seniority="senior", salary=None, frequency="instant",
    )
    assert "There are 1 live jobs right now, but none fits" in first

    # Every /prefs change matches again at once; after the third, the nursing job fits.
    edits = [("prefs:roles", "Nurse"), ("prefs:work_mode", "work_mode:onsite")]
    for item, answer in edits:
        await erin.says("/prefs")
        await erin.taps(item)
        if answer.startswith("work_mode:"):
            await erin.taps(answer, expect=3)  # saved, the menu, the first batch
        else:
            await erin.says(answer, expect=3)
        assert erin.stack.telegram.messages_to(ERIN)[-1].startswith("There are 1 live jobs")
    await erin.says("/prefs")
    await erin.taps("prefs:locations")
    await erin.says("Madrid, Spain", expect=3)
    card = await said(erin, "Registered Nurse")
    assert card.startswith("I found 1 live jobs that fit you right now")
    assert "Klinikum Nord" in card


async def test_buttons_naming_a_job_the_user_was_not_matched_with_reveal_nothing(
    match_stack: Stack,
) -> None:
    """Forged payloads: a pending job, a rejected one, a live job matched to someone else."""
    stack = match_stack
    alice, bob = Person(stack, ALICE), Person(stack, BOB)
    await onboard(
        alice, roles="Backend Developer", mode="remote", places="Berlin, Germany",
        seniority="senior", salary=None, frequency="instant",
    )
    await onboard(
        bob, roles="Nurse", mode="onsite", places="Madrid, Spain", seniority="mid",
        salary=None, frequency="instant",
    )
    await seed_job(stack, "job00031", title="Secret Pending Role")
    live = await seed_job(stack, "job00032")
    await approve(stack, live.id)
    await said(alice, live.posting.title)
    for payload in ("m:save:job00031", "m:why:job00031", f"m:save:{live.id}",
                    f"m:why:{live.id}", "m:ni:job00031", "m:nic:job00031"):
        (answer,) = await presses(bob, payload)
        assert "no longer available" in answer
        assert "Secret Pending Role" not in answer
        assert live.posting.title not in answer
    assert await stack.runtime.matches.applications.list(key(BOB)) == []
    # The one it was sent to may act on it.
    (saved,) = await presses(alice, f"m:save:{live.id}")
    assert live.posting.title in saved
