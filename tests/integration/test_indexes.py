"""``connect`` creates every index the collection specs declare, so none can silently rot."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from core.store.documents import DOCUMENTS, Collection
from core.store.mongo import connect

pytestmark = pytest.mark.integration


def declared(spec: Collection) -> dict[str, dict[str, Any]]:
    """The spec's indexes by name: their keys and the options that change what they do."""
    found = {}
    for model in spec.indexes:
        doc = dict(model.document)
        found[doc.pop("name")] = {"key": list(doc.pop("key").items()), **doc}
    return found


async def test_connect_creates_every_declared_index_on_a_fresh_database(mongodb_url: str) -> None:
    name = f"t_{uuid.uuid4().hex[:12]}"
    client = await connect(mongodb_url, name)
    try:
        for spec in DOCUMENTS:
            assert spec.collection().database.name == name
            assert spec.collection().name == spec.name
            existing = {info["name"]: info async for info in await spec.collection().list_indexes()}
            for index, wanted in declared(spec).items():
                assert index in existing, f"{spec.name}: index {index} missing"
                info = existing[index]
                assert list(info["key"].items()) == wanted["key"], f"{spec.name}.{index}"
                for option, value in wanted.items():
                    if option != "key":
                        assert info.get(option) == value, f"{spec.name}.{index}: {option}"
        # The table is not empty by accident: the TTL on inbound and a unique index are there.
        inbound = declared(next(spec for spec in DOCUMENTS if spec.name == "inbound"))
        assert inbound["ttl"]["expireAfterSeconds"] == 14 * 24 * 3600
        sources = declared(next(spec for spec in DOCUMENTS if spec.name == "sources"))
        assert any(index.get("unique") for index in sources.values())
    finally:
        await client.drop_database(name)
        await client.close()


def test_a_collection_that_no_database_was_bound_to_says_so() -> None:
    with pytest.raises(RuntimeError, match="connect first"):
        Collection("never_bound").collection()
