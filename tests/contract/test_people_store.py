"""The people ports' contract (core/ports/people.py), over the Mongo adapters and the fakes.

One suite, two implementations (aiogram's pattern for storages): a test that passes on one and
fails on the other means the fake, or the adapter, breaks a promise the services rely on.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from core.channels import Channel, ChatRef, InboundMessage, MessageKind
from core.crypto import Cipher
from core.domain import (
    ConsentPurpose,
    ConsentRecord,
    ParsedResume,
    Profile,
    SpokenLanguage,
)
from core.ports.conversations import Conversations
from core.ports.people import DeadLetters, Member, People, PersonalData, Resumes, Users
from core.store.people import MongoPeople
from core.store.repositories import (
    MongoConversationRepository,
    MongoDeadLetters,
    MongoPersonalData,
    MongoResumeRepository,
    MongoUserRepository,
)
from tests.conftest import fresh_database
from tests.fakes.memory_conversations import InMemoryConversations
from tests.fakes.memory_people import (
    InMemoryDeadLetters,
    InMemoryPeople,
    InMemoryPersonalData,
    InMemoryResumes,
    InMemoryUsers,
    people_fakes,
)

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
ANN, ANN_WA, BOB = "telegram:101", "whatsapp:4915100000001", "telegram:102"


def _static_checks(cipher: Cipher, users: InMemoryUsers) -> None:
    """Never run: mypy checks that each adapter and each fake satisfies its port."""
    resumes = MongoResumeRepository(cipher)
    _: Users = MongoUserRepository()
    _r: Resumes = resumes
    _p: PersonalData = MongoPersonalData(resumes, b"k")
    _pe: People = MongoPeople()
    _d: DeadLetters = MongoDeadLetters(cipher)
    _fu: Users = users
    _fr: Resumes = InMemoryResumes()
    _fpe: People = InMemoryPeople(users)
    _fp: PersonalData = InMemoryPersonalData(users, InMemoryPeople(users), InMemoryResumes())
    _fd: DeadLetters = InMemoryDeadLetters()


@dataclass
class Stores:
    users: Users
    people: People
    personal: PersonalData
    dead_letters: DeadLetters
    conversations: Conversations  # another group's port: linking and erasure reach it

    @property
    def resumes(self) -> Resumes:
        return self.personal.resumes


@pytest.fixture(params=[pytest.param("mongo", marks=pytest.mark.integration), "memory"])
async def stores(request: pytest.FixtureRequest) -> AsyncIterator[Stores]:
    if request.param == "memory":
        conversations = InMemoryConversations()
        users, people, personal = people_fakes(conversations)
        yield Stores(users, people, personal, InMemoryDeadLetters(), conversations)
        return
    async with fresh_database(request.getfixturevalue("mongodb_url")):
        cipher = Cipher([Fernet.generate_key().decode()])
        personal_data = MongoPersonalData(MongoResumeRepository(cipher), cipher.derive_key("e"))
        yield Stores(
            MongoUserRepository(),
            MongoPeople(),
            personal_data,
            MongoDeadLetters(cipher),
            MongoConversationRepository(),
        )


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def message(user_key: str, chat_id: str | None = None) -> InboundMessage:
    channel, _, user_id = user_key.partition(":")
    return InboundMessage(
        channel=Channel(channel),
        chat_id=chat_id or user_id,
        user_id=user_id,
        update_id="1",
        kind=MessageKind.TEXT,
    )


async def chats(stores: Stores, *keys: str) -> None:
    for key in keys:
        await stores.users.ensure(message(key), "en", T0)


# --- Users -------------------------------------------------------------------------------------


async def test_ensure_creates_once_and_refreshes_chat_and_language(stores: Stores) -> None:
    await stores.users.ensure(message(ANN, "500"), "en", T0)
    await stores.users.ensure(message(ANN, "501"), "de", at(5))
    raw = await stores.people.raw(ANN)
    assert raw is not None
    assert {k: raw[k] for k in ("_id", "channel", "platform_user_id", "chat_id", "language")} == {
        "_id": ANN,
        "channel": "telegram",
        "platform_user_id": "101",
        "chat_id": "501",
        "language": "de",
    }
    assert (raw["role"], raw["created_at"]) == ("candidate", T0)
    assert await stores.people.member(ANN) == Member(
        user_key=ANN, channel=Channel.TELEGRAM, chat_id="501", reachable=True
    )


async def test_ensure_the_same_new_chat_concurrently_makes_one_row(stores: Stores) -> None:
    await asyncio.gather(*[stores.users.ensure(message(ANN), "en", T0) for _ in range(6)])
    assert [m.user_key for m in await stores.people.members(ANN)] == [ANN]
    assert len((await stores.personal.export(ANN))["users"]) == 1


async def test_set_reachable_and_business_id_touch_only_known_chats(stores: Stores) -> None:
    await chats(stores, ANN_WA)
    await stores.users.set_reachable(ANN_WA, False)
    member = await stores.people.member(ANN_WA)
    assert member is not None
    assert member.reachable is False
    await stores.users.set_reachable(ANN_WA, True)
    assert (await stores.people.member(ANN_WA)) == member.model_copy(update={"reachable": True})

    await stores.users.remember_business_id(ANN_WA, "DE.123")
    raw = await stores.people.raw(ANN_WA)
    assert raw is not None
    assert raw["business_id"] == "DE.123"

    await stores.users.set_reachable(BOB, False)
    await stores.users.remember_business_id(BOB, "DE.9")
    assert await stores.people.raw(BOB) is None
    assert await stores.people.member(BOB) is None


async def test_profiles_are_replaced_and_come_back_equal(stores: Stores) -> None:
    assert await stores.users.load_profile(ANN) is None
    first = Profile(roles=("Nurse",), locations=("Berlin",), stretch=True)
    await stores.users.save_profile(ANN, first, T0)
    assert await stores.users.load_profile(ANN) == first
    second = Profile(roles=("Welder",), languages=(SpokenLanguage(code="de"),), paused=True)
    await stores.users.save_profile(ANN, second, at(1))
    assert await stores.users.load_profile(ANN) == second
    assert await stores.users.load_profile(BOB) is None


async def test_consents_are_appended_never_overwritten(stores: Stores) -> None:
    grant = ConsentRecord(purpose=ConsentPurpose.JOB_MESSAGES, granted=True, version="v1", at=T0)
    withdraw = grant.model_copy(update={"granted": False, "at": at(1)})
    profile = ConsentRecord(purpose=ConsentPurpose.PROFILE, granted=True, version="v1", at=T0)
    await stores.users.record_consents(ANN, (grant, profile))
    await stores.users.record_consents(ANN, (withdraw,))
    await stores.users.record_consents(BOB, (grant,))
    rows = (await stores.personal.export(ANN))["consents"]
    assert sorted(
        ((r["user_key"], r["purpose"], r["granted"], r["version"], r["at"]) for r in rows),
        key=lambda row: (row[4], row[1]),
    ) == [
        (ANN, "job_messages", True, "v1", T0),
        (ANN, "profile_processing", True, "v1", T0),
        (ANN, "job_messages", False, "v1", at(1)),
    ]


# --- Resumes -----------------------------------------------------------------------------------

PARSED = ParsedResume(
    name="Ann Example",
    email="ann@example.org",
    phone="+49 151 0000",
    skills=("python", "sql"),
    years_experience=4.5,
    last_title="Data Engineer",
    languages=("German", "English"),
    spoken_languages=(SpokenLanguage(code="de"),),
    certifications=("AWS",),
    text_chars=1800,
)
# What is kept of a parse (see the Resumes port): not the levels, certificates or length.
STORED = PARSED.model_copy(update={"spoken_languages": (), "certifications": (), "text_chars": 0})


async def test_a_saved_resume_waits_until_it_is_kept(stores: Stores) -> None:
    assert await stores.resumes.load(ANN) is None
    assert await stores.resumes.load(ANN, pending=True) is None
    await stores.resumes.save(ANN, PARSED, b"%PDF-1", "pdf", T0)
    assert await stores.resumes.load(ANN) is None
    assert await stores.resumes.load(ANN, pending=True) == (STORED, b"%PDF-1")

    assert await stores.resumes.keep(ANN, keep=True) is True
    assert await stores.resumes.load(ANN) == (STORED, b"%PDF-1")
    assert await stores.resumes.load(ANN, pending=True) is None
    assert await stores.resumes.keep(ANN, keep=True) is False
    assert await stores.resumes.load(BOB) is None


async def test_a_newer_upload_replaces_the_waiting_one_not_the_kept_one(stores: Stores) -> None:
    await stores.resumes.save(ANN, PARSED, b"old", "pdf", T0)
    await stores.resumes.keep(ANN, keep=True)
    newer = ParsedResume(skills=("go",))
    await stores.resumes.save(ANN, newer, None, None, at(1))
    await stores.resumes.save(
        ANN, newer.model_copy(update={"skills": ("rust",)}), None, None, at(2)
    )
    assert await stores.resumes.load(ANN, pending=True) == (ParsedResume(skills=("rust",)), None)
    assert await stores.resumes.load(ANN) == (STORED, b"old")

    assert await stores.resumes.keep(ANN, keep=False) is True
    assert await stores.resumes.load(ANN) == (STORED, b"old")
    assert await stores.resumes.load(ANN, pending=True) is None
    assert await stores.resumes.keep(ANN, keep=False) is False


async def test_of_confirmations_at_once_one_keeps_the_resume(stores: Stores) -> None:
    # A double tap on "keep", or a keep racing a drop: one of them finds the resume waiting.
    await stores.resumes.save(ANN, PARSED, b"x", "pdf", T0)
    kept = await asyncio.gather(*[stores.resumes.keep(ANN, keep=True) for _ in range(3)])
    assert sorted(kept) == [False, False, True]
    await stores.resumes.save(ANN, PARSED, b"y", "pdf", at(1))
    both = await asyncio.gather(
        stores.resumes.keep(ANN, keep=True), stores.resumes.keep(ANN, keep=False)
    )
    assert sorted(both) == [False, True]
    assert await stores.resumes.load(ANN, pending=True) is None


async def test_dropping_the_only_resume_leaves_nothing(stores: Stores) -> None:
    await stores.resumes.save(ANN, PARSED, b"x", "pdf", T0)
    assert await stores.resumes.keep(ANN, keep=False) is True
    assert await stores.resumes.load(ANN) is None
    assert await stores.resumes.load(ANN, pending=True) is None
    assert (await stores.personal.erase(ANN, T0))["resumes"] == 0


# --- PersonalData ------------------------------------------------------------------------------


async def fill(stores: Stores, key: str) -> None:
    await chats(stores, key)
    await stores.users.save_profile(key, Profile(roles=("Nurse",)), T0)
    await stores.users.record_consents(
        key, (ConsentRecord(purpose=ConsentPurpose.PROFILE, granted=True, version="v", at=T0),)
    )
    await stores.resumes.save(key, PARSED, b"kept", "pdf", T0)
    await stores.resumes.keep(key, keep=True)
    await stores.resumes.save(key, ParsedResume(skills=("go",)), None, None, at(1))


async def test_export_holds_everything_under_the_key(stores: Stores) -> None:
    await fill(stores, ANN)
    await fill(stores, BOB)
    data = await stores.personal.export(ANN)
    assert data["user_key"] == ANN
    assert [row["_id"] for row in data["users"]] == [ANN]
    assert [row["profile"] for row in data["profiles"]] == [
        Profile(roles=("Nurse",)).model_dump(mode="json")
    ]
    assert [(row["user_key"], row["purpose"]) for row in data["consents"]] == [
        (ANN, "profile_processing")
    ]
    assert data["people"] == []
    assert [
        (r["name"], r["skills"], r["file_base64"], r["awaiting_confirmation"])
        for r in data["resumes"]
    ] == [("Ann Example", ["python", "sql"], "a2VwdA==", False), (None, ["go"], None, True)]

    await stores.people.join(ANN, BOB, T0)
    assert [row["route"] for row in (await stores.personal.export(ANN))["people"]] == [[ANN, BOB]]


async def test_export_of_a_stranger_is_empty(stores: Stores) -> None:
    data = await stores.personal.export(BOB)
    assert data["user_key"] == BOB
    assert "resumes" not in data
    assert all(data[name] == [] for name in ("users", "people", "profiles", "consents"))


async def test_erase_removes_everything_under_the_key_and_nothing_else(stores: Stores) -> None:
    await fill(stores, ANN)
    await fill(stores, BOB)
    await stores.people.join(ANN, BOB, T0)
    removed = await stores.personal.erase(ANN, at(2))
    assert {
        name: removed[name] for name in ("users", "people", "profiles", "consents", "resumes")
    } == dict.fromkeys(("users", "people", "profiles", "consents", "resumes"), 1)
    assert await stores.users.load_profile(ANN) is None
    assert await stores.resumes.load(ANN) is None
    assert await stores.resumes.load(ANN, pending=True) is None
    assert await stores.people.raw(ANN) is None
    assert await stores.people.route(ANN) == [ANN]
    data = await stores.personal.export(ANN)
    assert "resumes" not in data
    assert all(data[name] == [] for name in ("users", "people", "profiles", "consents"))

    assert await stores.users.load_profile(BOB) == Profile(roles=("Nurse",))
    assert await stores.resumes.load(BOB) == (STORED, b"kept")
    assert await stores.people.raw(BOB) is not None

    again = await stores.personal.erase(ANN, at(3))
    assert set(again.values()) == {0}


async def test_erase_profile_only_keeps_the_chat(stores: Stores) -> None:
    await fill(stores, ANN)
    removed = await stores.personal.erase(ANN, at(2), profile_only=True)
    assert "users" not in removed
    assert (removed["profiles"], removed["consents"], removed["resumes"]) == (1, 1, 1)
    assert await stores.people.member(ANN) is not None
    assert await stores.users.load_profile(ANN) is None
    assert await stores.resumes.load(ANN) is None


# --- People ------------------------------------------------------------------------------------


async def linked(stores: Stores, key: str) -> list[str]:
    raw = await stores.people.raw(key)
    assert raw is not None
    return list(raw.get("linked", []))


async def test_a_chat_alone_is_its_own_person(stores: Stores) -> None:
    await chats(stores, ANN)
    assert await stores.people.person_of(ANN) == ANN
    assert await stores.people.route(ANN) == [ANN]
    assert [m.user_key for m in await stores.people.members(ANN)] == [ANN]
    assert await stores.people.person_of(BOB) == BOB
    assert await stores.people.members(BOB) == []
    assert await stores.people.member(BOB) is None
    assert await stores.people.raw(BOB) is None


async def test_join_add_member_and_prefer_set_the_route_and_fallbacks(stores: Stores) -> None:
    await chats(stores, ANN, ANN_WA)
    assert await stores.people.join(ANN, ANN_WA, T0) == [ANN, ANN_WA]
    assert await stores.people.person_of(ANN_WA) == ANN
    mail = "email:abc"
    route = await stores.people.add_member(
        ANN,
        mail,
        ChatRef(channel=Channel.EMAIL, chat_id=mail),
        at(1),
        address=b"sealed",
        language="de",
    )
    assert route == [ANN, ANN_WA, mail] == await stores.people.route(ANN)
    raw = await stores.people.raw(mail)
    assert raw is not None
    assert {k: raw[k] for k in ("channel", "chat_id", "person", "address", "language")} == {
        "channel": "email",
        "chat_id": mail,
        "person": ANN,
        "address": b"sealed",
        "language": "de",
    }
    assert await stores.people.member(mail) == Member(
        user_key=mail, channel=Channel.EMAIL, chat_id=mail, reachable=True
    )
    assert [m.channel for m in await stores.people.members(ANN)] == [
        Channel.TELEGRAM,
        Channel.WHATSAPP,
        Channel.EMAIL,
    ]
    # Each member falls back to the ones after it, then the ones before it.
    assert await linked(stores, ANN_WA) == [mail, ANN]

    assert await stores.people.prefer(ANN, ANN_WA, at(2)) == [ANN_WA, ANN, mail]
    assert await linked(stores, ANN_WA) == [ANN, mail]
    assert await linked(stores, mail) == [ANN_WA, ANN]
    assert await stores.people.prefer(ANN, BOB, at(3)) == [ANN_WA, ANN, mail]
    # Joining again moves the member to the end.
    assert await stores.people.join(ANN, ANN_WA, at(4)) == [ANN, mail, ANN_WA]


async def test_the_first_chat_leaving_starts_a_fresh_person(stores: Stores) -> None:
    await chats(stores, ANN, ANN_WA)
    await stores.people.join(ANN, ANN_WA, T0)
    fresh = await stores.people.leave(ANN, ANN, at(1))
    assert fresh is not None
    assert fresh not in (ANN, ANN_WA)
    assert await stores.people.person_of(ANN) == fresh
    assert await stores.people.route(fresh) == [ANN]
    assert await stores.people.route(ANN) == [ANN_WA]
    assert await linked(stores, ANN) == []
    # The last member cannot leave; a stranger is not a member.
    assert await stores.people.leave(ANN, ANN_WA, at(2)) is None
    assert await stores.people.leave(ANN, BOB, at(2)) is None
    assert await stores.people.route(ANN) == [ANN_WA]


async def test_another_chat_leaving_is_its_own_person_again(stores: Stores) -> None:
    await chats(stores, ANN, ANN_WA)
    await stores.people.join(ANN, ANN_WA, T0)
    assert await stores.people.leave(ANN, ANN_WA, at(1)) == ANN_WA
    assert await stores.people.person_of(ANN_WA) == ANN_WA
    assert await stores.people.route(ANN) == [ANN]
    assert await stores.people.route(ANN_WA) == [ANN_WA]
    assert await linked(stores, ANN_WA) == []


async def test_remove_forgets_only_a_row_that_names_the_person(stores: Stores) -> None:
    await chats(stores, ANN, BOB)
    mail = "email:abc"
    await stores.people.add_member(ANN, mail, ChatRef(channel=Channel.EMAIL, chat_id=mail), T0)
    assert await stores.people.remove(BOB, mail, at(1)) is False
    assert await stores.people.member(mail) is not None
    assert await stores.people.remove(ANN, mail, at(1)) is True
    assert await stores.people.raw(mail) is None
    assert await stores.people.route(ANN) == [ANN]
    assert await stores.people.remove(ANN, mail, at(2)) is False
    # A member whose row is gone is not shown, even if a route still names it.
    await stores.people.join(ANN, BOB, at(3))
    await stores.personal.erase(BOB, at(4))
    assert [m.user_key for m in await stores.people.members(ANN)] == [ANN]


async def test_raw_rows_are_copies(stores: Stores) -> None:
    await chats(stores, ANN)
    raw = await stores.people.raw(ANN)
    assert raw is not None
    raw["chat_id"] = "changed"
    raw["linked"] = ["x"]
    again = await stores.people.raw(ANN)
    assert again is not None
    assert again["chat_id"] == "101"
    assert "linked" not in again


async def test_linking_points_each_chat_at_its_person(stores: Stores) -> None:
    """The chat service learns a chat's person from its conversation row (one read)."""
    await chats(stores, ANN, ANN_WA)
    await stores.conversations.save(ANN, {"lang": "de"}, None, T0)
    await stores.people.join(ANN, ANN_WA, T0)
    assert (await stores.conversations.load_chat(ANN_WA)).owner == ANN
    own = await stores.conversations.load_chat(ANN)
    assert own.owner == ANN
    assert own.stored is not None
    assert own.stored.state == {"lang": "de"}

    await stores.people.leave(ANN, ANN_WA, at(1))
    assert (await stores.conversations.load_chat(ANN_WA)).owner == ANN_WA
    await stores.people.join(ANN, ANN_WA, at(2))
    fresh = await stores.people.leave(ANN, ANN, at(3))
    assert fresh is not None
    assert (await stores.conversations.load_chat(ANN)).owner == fresh
    assert (await stores.conversations.load_chat(ANN_WA)).owner == ANN

    mail = "email:abc"
    await stores.people.add_member(ANN, mail, ChatRef(channel=Channel.EMAIL, chat_id=mail), at(4))
    assert (await stores.conversations.load_chat(mail)).owner == ANN
    await stores.people.remove(ANN, mail, at(5))
    assert (await stores.conversations.load_chat(mail)).owner == mail


async def test_erase_takes_the_conversation_and_the_chat_pointer(stores: Stores) -> None:
    await chats(stores, ANN, ANN_WA)
    await stores.conversations.save(ANN, {"lang": "de"}, None, T0)
    await stores.people.join(ANN, ANN_WA, T0)
    assert [row["state"] for row in (await stores.personal.export(ANN))["conversations"]] == [
        {"lang": "de"}
    ]
    assert (await stores.personal.erase(ANN_WA, at(1)))["conversations"] == 1
    assert (await stores.conversations.load_chat(ANN_WA)).owner == ANN_WA
    assert (await stores.personal.erase(ANN, at(1), profile_only=True))["conversations"] == 1
    assert await stores.conversations.load(ANN) is None
    assert (await stores.personal.export(ANN))["conversations"] == []


# --- DeadLetters -------------------------------------------------------------------------------


async def test_dead_letters_latest_first_with_their_arguments(stores: Stores) -> None:
    letters = stores.dead_letters
    assert (await letters.count(), await letters.recent()) == (0, [])
    args = ["telegram", "101", ANN, [{"text": "hi", "buttons": []}], 1]
    await letters.add("send_replies", args, "x" * 600, T0)
    await letters.add("crawl_source", ["src1"], "reset", at(2))
    await letters.add("parse_resume", [ANN, None], "boom", at(1))
    args[0] = "mutated after add"
    assert await letters.count() == 3

    recent = await letters.recent()
    assert [(d.task, d.failed_at) for d in recent] == [
        ("crawl_source", at(2)),
        ("parse_resume", at(1)),
        ("send_replies", T0),
    ]
    assert recent[2].args == ["telegram", "101", ANN, [{"text": "hi", "buttons": []}], 1]
    assert recent[2].error == "x" * 500
    assert len({d.id for d in recent}) == 3
    assert [d.task for d in await letters.recent(limit=2)] == ["crawl_source", "parse_resume"]

    recent[0].args.append("mutated after read")
    assert (await letters.recent(limit=1))[0].args == ["src1"]

    await letters.remove(recent[1].id)
    await letters.remove(recent[1].id)
    assert [d.task for d in await letters.recent()] == ["crawl_source", "send_replies"]
    assert await letters.count() == 2


async def test_dead_letters_added_together_are_all_kept(stores: Stores) -> None:
    await asyncio.gather(*[stores.dead_letters.add("t", [n], "e", at(n)) for n in range(8)])
    assert await stores.dead_letters.count() == 8
    assert [d.args for d in await stores.dead_letters.recent(limit=3)] == [[7], [6], [5]]


async def test_the_fake_reports_each_move_as_the_adapter_points_the_chat() -> None:
    """The adapter writes a chat's person into its conversation row (``point_chat``) on every
    change; the fake tells ``moved``, for a conversations fake to do the same."""
    moves: list[tuple[str, str | None]] = []

    async def moved(chat: str, person: str | None) -> None:
        moves.append((chat, person))

    users = InMemoryUsers()
    people = InMemoryPeople(users, moved=moved)
    for key in (ANN, ANN_WA):
        await users.ensure(message(key), "en", T0)
    await people.join(ANN, ANN_WA, T0)
    fresh = await people.leave(ANN, ANN, at(1))
    mail = "email:abc"
    await people.add_member(ANN, mail, ChatRef(channel=Channel.EMAIL, chat_id=mail), at(2))
    await people.remove(ANN, mail, at(3))
    assert moves == [(ANN_WA, ANN), (ANN, fresh), (mail, ANN), (mail, None)]
