"""What the database holds, read as values: how erasure tests look for a trace of a person."""

from __future__ import annotations

from typing import Any

from tests.conftest import Stack


def stored_texts(value: Any) -> list[str]:
    """Every string and number a stored document holds, at any depth (times are not data a
    user gave us, and as text one may contain a user's id by chance: "…:06.606060")."""
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in (str(key), *stored_texts(item))]
    if isinstance(value, list | tuple):
        return [text for item in value for text in stored_texts(item)]
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, bytes):
        return [value.decode("latin-1")]
    return []


async def documents_mentioning(stack: Stack, needles: list[str]) -> dict[str, int]:
    """Documents in every collection of the database (not only ours) that hold a needle in a
    value, counted by collection."""
    database = stack.runtime.mongo[stack.settings.mongodb_database]
    found: dict[str, int] = {}
    for name in await database.list_collection_names():
        async for raw in database[name].find({}):
            texts = stored_texts(raw)
            if any(needle in text for needle in needles for text in texts):
                found[name] = found.get(name, 0) + 1
    return found
