"""Builders for Telegram updates as the Bot API sends them to a webhook."""

from __future__ import annotations

import itertools
from typing import Any

_ids = itertools.count(5_000)


def _user(user_id: int, language: str) -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": f"User{user_id}",
        "language_code": language,
    }


def _chat(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": f"User{user_id}"}


def message(update_id: int, user_id: int, text: str, language: str = "en") -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": next(_ids),
        "date": 1_790_000_000,
        "chat": _chat(user_id),
        "from": _user(user_id, language),
        "text": text,
    }
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": body}


def callback(update_id: int, user_id: int, data: str, language: str = "en") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "from": _user(user_id, language),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": next(_ids),
                "date": 1_790_000_000,
                "chat": _chat(user_id),
                "text": "question",
            },
        },
    }


def document(
    update_id: int, user_id: int, file_id: str, name: str, mime: str, size: int
) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": next(_ids),
            "date": 1_790_000_000,
            "chat": _chat(user_id),
            "from": _user(user_id, "en"),
            "document": {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_name": name,
                "mime_type": mime,
                "file_size": size,
            },
        },
    }


def group_message(update_id: int, user_id: int, group_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": next(_ids),
            "date": 1_790_000_000,
            "chat": {"id": group_id, "type": "group", "title": "Team"},
            "from": _user(user_id, "en"),
            "text": text,
        },
    }
