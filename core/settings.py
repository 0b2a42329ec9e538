"""One settings class, read from the environment (nested groups use ``__``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class TelegramSettings(BaseModel):
    bot_token: SecretStr | None = None
    webhook_secret: SecretStr | None = None
    webhook_url: str | None = None
    # Same meaning as python-telegram-bot's base_url / base_file_url, so a fake
    # Bot API can be plugged in (the tests do exactly that).
    api_base_url: str = "https://api.telegram.org/bot"
    file_base_url: str = "https://api.telegram.org/file/bot"
    max_file_bytes: int = 20 * 1024 * 1024


class CrawlSettings(BaseModel):
    user_agent: str = "JobScoutBot/0.1 (+https://github.com/jobscout/jobscout; jobs crawler)"
    # Admin-added URLs resolving to loopback are refused unless this is set (tests, local dev).
    allow_loopback: bool = False
    per_domain_concurrency: int = 2
    per_domain_delay_s: float = 1.0
    request_timeout_s: float = 20.0
    max_response_bytes: int = 5 * 1024 * 1024
    chromium_path: str = "/usr/bin/chromium"
    page_timeout_s: float = 20.0
    breaker_failures: int = 5  # consecutive failures that pause a source
    breaker_pause_s: int = 3600
    default_interval_minutes: int = 60
    auto_approve_confidence: float = 0.9
    review_timeout_minutes: int = 20
    # Where each ATS API lives, by kind; only tests and mirrors change these.
    ats_base_urls: dict[str, str] = Field(default_factory=dict)


class LlmSettings(BaseModel):
    """The model for pages without structured data, e.g. ``openai:gpt-4.1-mini``."""

    model: str | None = None  # provider:model for LangChain's init_chat_model; unset: heuristics
    api_key: SecretStr | None = None
    base_url: str | None = None
    temperature: float = 0.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("./data")
    mongodb_url: SecretStr | None = None
    mongodb_database: str = "jobscout"
    redis_url: str | None = None
    qdrant_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"

    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    admins: Annotated[list[int], NoDecode] = Field(default_factory=list)
    encryption_keys: SecretStr | None = None

    consent_version: str = "2026-11"
    max_webhook_body_bytes: int = 256 * 1024
    resume_max_bytes: int = 10 * 1024 * 1024

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @model_validator(mode="after")
    def _keys_required_outside_development(self) -> Settings:
        if self.environment != "development" and not self.fernet_keys:
            raise ValueError("ENCRYPTION_KEYS must be set outside development")
        return self

    @property
    def fernet_keys(self) -> list[str]:
        if self.encryption_keys is None:
            return []
        raw = self.encryption_keys.get_secret_value()
        return [key.strip() for key in raw.split(",") if key.strip()]

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram.bot_token is not None


def load_settings(**overrides: object) -> Settings:
    """Read settings now (never at import time); keyword overrides win over the environment."""
    return Settings(**overrides)  # type: ignore[arg-type]
