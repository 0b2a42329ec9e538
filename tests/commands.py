"""One pymongo command counter for the test session, shared by every test that counts.

pymongo takes listeners when a client is created, and ``monitoring.register`` adds one for every
client made after it, for the rest of the process: so there is one counter, registered the first
time a test asks for it, before that test's stack makes its client
(core.store.mongo.connect takes none of its own).
"""

from __future__ import annotations

from pymongo import monitoring

from bench.webhook_server import CommandCounter

_COUNTER: list[CommandCounter] = []


def counter() -> CommandCounter:
    if not _COUNTER:
        _COUNTER.append(CommandCounter())
        monitoring.register(_COUNTER[0])
    return _COUNTER[0]
