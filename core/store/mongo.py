"""Connecting to MongoDB and initialising beanie."""

from __future__ import annotations

from beanie import init_beanie
from pymongo import AsyncMongoClient

from core.store.documents import DOCUMENTS


async def connect(url: str, database: str) -> AsyncMongoClient[dict[str, object]]:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        url, tz_aware=True, uuidRepresentation="standard"
    )
    await init_beanie(database=client[database], document_models=DOCUMENTS)
    return client
