"""The store work of one chat update, through beanie Documents and through raw pymongo.

Issue 8 asked whether beanie earns its place: use its Documents where they cost an update less
than 10 %, or drop it. This measures exactly that difference, nothing else. One update's store
work, as the chat service does it (``core/store/repositories.py``), is five round trips:

1. accept the update: insert its inbound row;
2. read the user's pending inbound rows (and parse each message into an ``InboundMessage``);
3. load the conversation row;
4. save it with a revision check (only if ``revision`` is still the one loaded);
5. mark the inbound row done (drop its message, keep the key for dedupe).

Three ways run interleaved, in blocks, against one embedded SecantusDB (a child process, as the
app runs it), on disjoint users of the same collections and indexes:

- *raw*: pymongo dicts, what the repositories do (the baseline);
- *beanie*: Documents as beanie means them: ``Inbound(...).insert()``, ``find(...).to_list()``,
  ``Conversation.get``, the model changed and written back with ``replace_one`` under the
  revision filter, and ``find_one(...).update`` to mark it done;
- *beanie-lean*: beanie's cheapest idiomatic path: models parsed on every read, but the writes
  are ``find_one(...).update({...})`` with plain dicts (no model encoded).

The engine's own work (validating the state into a ``Conversation``) is the same in every way and
left out. Printed per update: wall time p50 / p99 / mean, and this process's CPU time (the
database is another process, so this is the client's own cost: BSON, pydantic, beanie), with the
ratio to raw.

    .venv/bin/python -m bench.store_cost                  # 2,000 updates per way after a warm-up
    .venv/bin/python -m bench.store_cost --journal        # every write journaled (j=True)

beanie is no longer a dependency of JobScout; the bench keeps its own copies of the two
Documents it needs, so the comparison can be repeated: ``.venv/bin/pip install beanie==2.2.0``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import uvloop
from pydantic import Field
from pymongo import ASCENDING, AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.results import UpdateResult

from conversations.models import Conversation, Step
from core.channels import Channel, InboundMessage, MessageKind
from core.domain import ConsentPurpose, ConsentRecord, Profile
from core.embedded import EmbeddedMongo

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
BLOCK = 100  # updates per way before the next way runs: machine noise spreads over all three

Update = Callable[[str, int], Awaitable[None]]


def conversation_state() -> dict[str, Any]:
    """An onboarded user's state, as stored after a step (about 1 kB of JSON)."""
    consents = tuple(
        ConsentRecord(purpose=purpose, granted=True, version="2026-11", at=T0)
        for purpose in ConsentPurpose
    )
    profile = Profile(
        roles=("Registered nurse", "Care assistant"),
        locations=("Berlin", "Hamburg", "Remote"),
        licences=("Nursing licence (DE)", "First aid"),
        timezone="Europe/Berlin",
    )
    conv = Conversation(
        lang="de", step=Step.ROLES, profile=profile, consents=consents, onboarded=True
    )
    return conv.model_dump(mode="json")


def inbound_message(user: str, n: int) -> dict[str, Any]:
    return InboundMessage(
        channel=Channel.TELEGRAM,
        chat_id=user,
        user_id=user,
        update_id=str(n),
        kind=MessageKind.TEXT,
        text="Berlin, Hamburg",
        language_code="de",
    ).model_dump(mode="json")


def raw_way(db: AsyncDatabase[dict[str, Any]], state: dict[str, Any]) -> Update:
    conversations, inbound = db["conversations"], db["inbound"]

    async def update(user: str, n: int) -> None:
        key, inbound_id, now = f"telegram:{user}", f"raw:{n}", T0 + timedelta(seconds=n)
        await inbound.insert_one(
            {
                "_id": inbound_id,
                "user_key": key,
                "message": inbound_message(user, n),
                "status": "pending",
                "received_at": now,
            }
        )
        cursor = inbound.find({"user_key": key, "status": "pending"}).sort(
            [("received_at", ASCENDING), ("_id", ASCENDING)]
        )
        pending = [
            (raw["_id"], InboundMessage.model_validate(raw["message"])) async for raw in cursor
        ]
        raw = await conversations.find_one({"_id": key})
        assert raw is not None
        assert pending
        revision = raw["revision"]
        result = await conversations.update_one(
            {"_id": key, "revision": revision},
            {
                "$set": {"state": state, "updated_at": now, "applied": inbound_id, "effects": None},
                "$inc": {"revision": 1},
            },
        )
        assert result.matched_count == 1
        await inbound.update_one(
            {"_id": inbound_id},
            {"$set": {"status": "done"}, "$unset": {"user_key": "", "message": ""}},
        )

    return update


async def beanie_ways(
    db: AsyncDatabase[dict[str, Any]], state: dict[str, Any]
) -> dict[str, Update]:
    """Both beanie ways, on the Documents as ``core/store/documents.py`` declared them."""
    from beanie import Document, init_beanie  # type: ignore[import-not-found, unused-ignore]

    class ConversationDoc(Document):  # type: ignore[misc, unused-ignore]
        id: str = Field(alias="_id")  # type: ignore[assignment, unused-ignore]
        state: dict[str, Any]
        revision: int = 1
        updated_at: datetime
        applied: str | None = None
        effects: dict[str, Any] | None = None

        class Settings:
            name = "conversations"

    class InboundDoc(Document):  # type: ignore[misc, unused-ignore]
        id: str = Field(alias="_id")  # type: ignore[assignment, unused-ignore]
        user_key: str | None = None
        message: dict[str, Any] | None = None
        status: str = "pending"
        received_at: datetime

        class Settings:
            name = "inbound"

    await init_beanie(database=db, document_models=[ConversationDoc, InboundDoc])

    async def pending(key: str) -> list[tuple[str, InboundMessage]]:
        docs = (
            await InboundDoc.find({"user_key": key, "status": "pending"})
            .sort("+received_at", "+_id")
            .to_list()
        )
        return [(doc.id, InboundMessage.model_validate(doc.message)) for doc in docs]

    async def documents(user: str, n: int) -> None:
        key, inbound_id, now = f"telegram:{user}", f"beanie:{n}", T0 + timedelta(seconds=n)
        await InboundDoc(
            id=inbound_id, user_key=key, message=inbound_message(user, n), received_at=now
        ).insert()
        assert await pending(key)
        conv = await ConversationDoc.get(key)
        assert conv is not None
        revision = conv.revision
        conv.state, conv.updated_at, conv.applied, conv.effects = state, now, inbound_id, None
        conv.revision = revision + 1
        result = await ConversationDoc.find_one({"_id": key, "revision": revision}).replace_one(
            conv
        )
        assert result is not None
        assert result.matched_count == 1
        await InboundDoc.find_one({"_id": inbound_id}).update(
            {"$set": {"status": "done"}, "$unset": {"user_key": "", "message": ""}}
        )

    async def lean(user: str, n: int) -> None:
        key, inbound_id, now = f"telegram:{user}", f"lean:{n}", T0 + timedelta(seconds=n)
        await InboundDoc(
            id=inbound_id, user_key=key, message=inbound_message(user, n), received_at=now
        ).insert()
        assert await pending(key)
        conv = await ConversationDoc.get(key)
        assert conv is not None
        result = await ConversationDoc.find_one({"_id": key, "revision": conv.revision}).update(
            {
                "$set": {"state": state, "updated_at": now, "applied": inbound_id, "effects": None},
                "$inc": {"revision": 1},
            }
        )
        assert isinstance(result, UpdateResult)
        assert result.matched_count == 1
        await InboundDoc.find_one({"_id": inbound_id}).update(
            {"$set": {"status": "done"}, "$unset": {"user_key": "", "message": ""}}
        )

    return {"beanie": documents, "beanie-lean": lean}


@dataclass
class Timings:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(updates: int, users: int, warmup: int, journal: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        server = EmbeddedMongo(Path(folder) / "mongodb")
        url = server.start()
        options: dict[str, Any] = {"journal": True} if journal else {}
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            url, tz_aware=True, uuidRepresentation="standard", **options
        )
        try:
            db = client["store_cost"]
            await db["inbound"].create_index([("user_key", ASCENDING), ("received_at", ASCENDING)])
            await db["inbound"].create_index([("status", ASCENDING), ("received_at", ASCENDING)])
            state = conversation_state()
            try:
                ways = {"raw": raw_way(db, state), **await beanie_ways(db, state)}
            except ImportError:
                print(
                    "beanie is not installed: only the raw way runs "
                    "(.venv/bin/pip install beanie==2.2.0 to compare)"
                )
                ways = {"raw": raw_way(db, state)}
            for name in ways:
                await db["conversations"].insert_many(
                    [
                        {
                            "_id": f"telegram:{name}-{u}",
                            "state": state,
                            "revision": 1,
                            "updated_at": T0,
                        }
                        for u in range(users)
                    ]
                )
            timings = {name: Timings() for name in ways}
            n = 0
            total = warmup + updates
            for start in range(0, total, BLOCK):
                names = list(ways)
                first = (start // BLOCK) % len(names)
                for name in names[first:] + names[:first]:
                    for i in range(start, min(total, start + BLOCK)):
                        n += 1
                        wall, cpu = time.perf_counter(), time.process_time()
                        await ways[name](f"{name}-{i % users}", n)
                        if i >= warmup:
                            timings[name].cpu.append(time.process_time() - cpu)
                            timings[name].wall.append(time.perf_counter() - wall)
            report(timings, updates, users, journal)
        finally:
            await client.close()
            server.stop()


def report(timings: dict[str, Timings], updates: int, users: int, journal: bool) -> None:
    print(
        f"\n{updates} updates per way, {users} users each, 5 round trips per update, "
        f"writes {'journaled' if journal else 'w=1'}; times per update in ms"
    )
    print(
        f"{'way':<12} {'wall p50':>9} {'p99':>7} {'mean':>7} {'× raw':>6}   "
        f"{'cpu p50':>8} {'mean':>7} {'× raw':>6}"
    )
    base = timings["raw"]
    base_wall, base_cpu = statistics.fmean(base.wall), statistics.fmean(base.cpu)
    for name, t in timings.items():
        wall, cpu = statistics.fmean(t.wall), statistics.fmean(t.cpu)
        print(
            f"{name:<12} {ms(t.wall, 0.5):>9.2f} {ms(t.wall, 0.99):>7.2f} {1000 * wall:>7.2f} "
            f"{wall / base_wall:>6.2f}   {ms(t.cpu, 0.5):>8.2f} {1000 * cpu:>7.2f} "
            f"{cpu / base_cpu:>6.2f}"
        )
    print("(× raw: ratio of the means; cpu: this process only, the database is a child process)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--updates", type=int, default=2000, help="measured updates per way")
    parser.add_argument("--users", type=int, default=100, help="conversations per way")
    parser.add_argument("--warmup", type=int, default=200, help="updates per way not measured")
    parser.add_argument("--journal", action="store_true", help="journal every write (j=True)")
    args = parser.parse_args()
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run(args.updates, args.users, args.warmup, args.journal))


if __name__ == "__main__":
    main()
