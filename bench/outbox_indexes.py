"""Which outbox indexes a claim needs on the embedded store (SecantusDB).

A claim asks two questions of the outbox (core/store/outbox.py ``MongoOutbox.claim``): which
slots hold unfinished rows (one ``distinct``, when the last claim did not fill up), and, slot by
slot, which rows there are unfinished (``find`` on slot and status). MongoDB would answer both
from one compound index; this measures, on the embedded server the app runs, each question under
each choice of index: both compound indexes (what documents.py declares, the baseline), only
(slot, status), only (status, slot), and none. Two outboxes: a busy one (a fifth of the rows
unfinished) and a quiet one (a few unfinished among many done, a claim's usual case).

    .venv/bin/python -m bench.outbox_indexes             # 20,000 rows
    .venv/bin/python -m bench.outbox_indexes --rows 5000
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from core.embedded import EmbeddedMongo
from core.ports.outbox import SLOTS, OutboxStatus

OPEN = [str(OutboxStatus.PENDING), str(OutboxStatus.SENDING)]  # what a claim reads
SENT = str(OutboxStatus.SENT)
SLOT_STATUS = [("slot", ASCENDING), ("status", ASCENDING)]
STATUS_SLOT = [("status", ASCENDING), ("slot", ASCENDING)]
CHOICES: dict[str, list[list[tuple[str, int]]]] = {
    "both (declared)": [SLOT_STATUS, STATUS_SLOT],
    "(slot, status) only": [SLOT_STATUS],
    "(status, slot) only": [STATUS_SLOT],
    "none": [],
}


def rows(count: int, busy: bool) -> list[dict[str, Any]]:
    """Busy: two rows in five unfinished. Quiet: one in 2,000."""
    rnd = random.Random(8)

    def status(n: int) -> str:
        if busy:
            return rnd.choice([*OPEN, SENT, SENT, SENT])
        return OPEN[0] if n % 2000 == 0 else SENT

    return [
        {"slot": rnd.randrange(SLOTS), "status": status(n), "user_key": f"telegram:{n % 500}"}
        for n in range(count)
    ]


async def timed(collection: AsyncCollection[dict[str, Any]]) -> tuple[float, float]:
    """ms for one walk over every slot, and for one distinct (each the second of two runs)."""
    walk = distinct = 0.0
    for _ in range(2):
        started = time.perf_counter()
        for slot in range(SLOTS):
            await collection.find({"slot": slot, "status": {"$in": OPEN}}).to_list(None)
        walk = time.perf_counter() - started
        started = time.perf_counter()
        await collection.distinct("slot", {"status": {"$in": OPEN}})
        distinct = time.perf_counter() - started
    return walk * 1000, distinct * 1000


async def run(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        server = EmbeddedMongo(Path(folder) / "mongodb")
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(server.start(), tz_aware=True)
        try:
            for busy in (True, False):
                table = rows(count, busy)
                unfinished = sum(row["status"] in OPEN for row in table)
                kind = "busy" if busy else "quiet"
                print(f"\n{kind} outbox: {count} rows, {unfinished} unfinished")
                print(f"  {'indexes':<22}{'walk all slots':>16}{'distinct':>12}")
                baseline: tuple[float, float] | None = None
                for n, (name, indexes) in enumerate(CHOICES.items()):
                    collection = client["outbox_indexes"][f"outbox_{int(busy)}_{n}"]
                    for keys in indexes:
                        await collection.create_index(keys)
                    await collection.insert_many([dict(row) for row in table])
                    walk, distinct = await timed(collection)
                    baseline = baseline or (walk, distinct)
                    print(
                        f"  {name:<22}{walk:>10.0f} ms ×{walk / baseline[0]:<4.1f}"
                        f"{distinct:>7.1f} ms ×{distinct / baseline[1]:.1f}"
                    )
        finally:
            await client.close()
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    asyncio.run(run(parser.parse_args().rows))


if __name__ == "__main__":
    main()
