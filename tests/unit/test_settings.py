"""Settings come from the environment, nested with ``__``; secrets stay secret."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from core.crypto import Cipher, DecryptionFailed
from core.settings import load_settings


@pytest.fixture(autouse=True)
def _no_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.chdir(str(tmp_path))  # no stray .env file is read


def test_defaults_start_everything_embedded() -> None:
    settings = load_settings()
    assert settings.mongodb_url is None
    assert settings.redis_url is None
    assert settings.qdrant_url is None
    assert settings.telegram_enabled is False
    assert settings.admins == []
    assert settings.admin_keys == ["console:local"]  # development: the terminal user


def test_nested_groups_and_secrets_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM__BOT_TOKEN", "123:abc")
    monkeypatch.setenv("TELEGRAM__WEBHOOK_SECRET", "s3cret")
    monkeypatch.setenv("TELEGRAM__API_BASE_URL", "http://127.0.0.1:9/bot")
    monkeypatch.setenv("MONGODB_URL", "mongodb://user:pw@db:27017")
    settings = load_settings()
    assert settings.telegram_enabled
    assert settings.telegram.bot_token is not None
    assert settings.telegram.bot_token.get_secret_value() == "123:abc"
    assert settings.telegram.api_base_url == "http://127.0.0.1:9/bot"
    # Secrets never show up in a repr (and so never in a log line).
    assert "s3cret" not in repr(settings)
    assert "pw@" not in repr(settings)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", []),
        ("42", ["telegram:42"]),
        ("1, 2,3", ["telegram:1", "telegram:2", "telegram:3"]),
        ("7;8", ["telegram:7", "telegram:8"]),
        ("console:local, WhatsApp:4917012345", ["console:local", "whatsapp:4917012345"]),
        ("telegram: 9", ["telegram:9"]),
        ("[5, 6]", None),
        ("sms:5", None),
        ("telegram:", None),
        ("bob", None),
    ],
)
def test_admins_as_a_comma_separated_list_of_user_keys(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: list[str] | None
) -> None:
    monkeypatch.setenv("ADMINS", raw)
    if expected is None:
        with pytest.raises(ValidationError):
            load_settings()
    else:
        assert load_settings().admins == expected


def test_production_refuses_to_start_without_encryption_keys() -> None:
    with pytest.raises(ValidationError, match="ENCRYPTION_KEYS"):
        load_settings(environment="production")
    key = Fernet.generate_key().decode()
    assert load_settings(environment="production", encryption_keys=key).fernet_keys == [key]


def test_key_rotation_old_ciphertext_still_decrypts() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = Cipher([old]).encrypt(b"jane@example.org")
    rotated = Cipher([new, old])
    assert rotated.decrypt(token) == b"jane@example.org"
    assert Cipher([new]).decrypt(rotated.encrypt(b"x")) == b"x"
    with pytest.raises(DecryptionFailed):
        Cipher([new]).decrypt(token)


def test_the_terminal_user_is_the_admin_only_in_development_with_no_admins_set() -> None:
    key = Fernet.generate_key().decode()
    assert load_settings(environment="development").admin_keys == ["console:local"]
    assert load_settings(environment="development", admins="5").admin_keys == ["telegram:5"]
    for environment in ("test", "production"):
        assert load_settings(environment=environment, encryption_keys=key).admin_keys == []
        settings = load_settings(environment=environment, encryption_keys=key, admins="5")
        assert settings.admin_keys == ["telegram:5"]
