"""Connecting to MongoDB: the client, the collections bound to it, their indexes."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from core.store.documents import DOCUMENTS, bind


async def connect(url: str, database: str) -> AsyncMongoClient[dict[str, object]]:
    """A client for ``url`` with ``database`` bound to every collection spec, whose declared
    indexes exist once this returns (created if missing; an existing one is left alone)."""
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        url, tz_aware=True, uuidRepresentation="standard"
    )
    db = client.get_database(database)
    bind(db)
    await asyncio.gather(
        *[db[spec.name].create_indexes(list(spec.indexes)) for spec in DOCUMENTS if spec.indexes]
    )
    return client


# Values per ``$in`` list. SecantusDB (the embedded server) takes time that grows with the square
# of the list: 1,000 ids cost 0.87 s in one query and 0.09 s as twenty queries of 50 run together
# (measured at 20k and 100k documents alike); against MongoDB chunks cost a few round trips more.
IN_CHUNK = 50


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> list[list[Any]]:
    """``values`` cut into lists of at most ``size`` (for ``$in`` queries)."""
    return [list(values[start : start + size]) for start in range(0, len(values), size)]


async def find_in(
    collection: AsyncCollection[dict[str, Any]],
    field: str,
    values: Sequence[Any],
    query: Mapping[str, Any] | None = None,
    projection: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The documents whose ``field`` is one of ``values`` (and that match ``query``), asked in
    chunks of ``IN_CHUNK`` run concurrently (see ``IN_CHUNK``)."""

    async def part(some: list[Any]) -> list[dict[str, Any]]:
        found = collection.find({**(query or {}), field: {"$in": some}}, projection)
        return [raw async for raw in found]

    parts = await asyncio.gather(*[part(some) for some in chunks(list(dict.fromkeys(values)))])
    return [raw for found in parts for raw in found]


async def update_in(
    collection: AsyncCollection[dict[str, Any]],
    field: str,
    values: Sequence[Any],
    query: Mapping[str, Any],
    update: Mapping[str, Any],
) -> int:
    """``update_many`` over the documents whose ``field`` is one of ``values``, in chunks run
    concurrently; returns how many were modified."""
    results = await asyncio.gather(
        *[
            collection.update_many({**query, field: {"$in": some}}, update)
            for some in chunks(list(dict.fromkeys(values)))
        ]
    )
    return sum(result.modified_count for result in results)
