"""One settings class, read from the environment (nested groups use ``__``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.channels import CONSOLE_USER_KEY, Channel


class TelegramSettings(BaseModel):
    bot_token: SecretStr | None = None
    webhook_secret: SecretStr | None = None
    webhook_url: str | None = None
    # Same meaning as python-telegram-bot's base_url / base_file_url, so a fake
    # Bot API can be plugged in (the tests do exactly that).
    api_base_url: str = "https://api.telegram.org/bot"
    file_base_url: str = "https://api.telegram.org/file/bot"


class WhatsAppSettings(BaseModel):
    """The WhatsApp Cloud API (``WHATSAPP__*``); an access token turns the channel on."""

    access_token: SecretStr | None = None
    phone_number_id: str | None = None
    app_secret: SecretStr | None = None  # the HMAC key of X-Hub-Signature-256
    verify_token: SecretStr | None = None  # the GET handshake's hub.verify_token
    # Every Graph API request goes to {api_base_url}/{api_version}/...: tests point it at a fake.
    api_base_url: str = "https://graph.facebook.com"
    api_version: str = "v23.0"
    messages_per_second: float = 80.0  # per phone number (Meta's default tier)
    # Alerts and digests to one user at most one every this many seconds (the pair rate limit);
    # replies in a conversation go out at once.
    per_user_interval_s: float = 6.0
    # Outside the 24-hour window only approved templates may be sent: their names, and the
    # template language code for each of our languages.
    digest_template: str = "jobscout_new_jobs"
    alert_template: str = "jobscout_new_jobs"
    template_languages: dict[str, str] = Field(
        default_factory=lambda: {"en": "en", "de": "de", "es": "es"}
    )


class SmtpSettings(BaseModel):
    """E-mail over SMTP (``SMTP__*``); a host turns the channel on."""

    host: str | None = None
    port: int = 587
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    from_address: str = "JobScout <jobs@localhost>"
    timeout_s: float = 20.0
    # Late bounces (delivery status notifications): job mail goes out with a VERP envelope
    # sender ``bounces+…@BOUNCE_DOMAIN`` (default: the From domain), and an SMTP listener on
    # BOUNCE_PORT (on HOST) takes the notifications. Unset: only the server's own 5xx counts.
    bounce_port: int | None = None
    bounce_domain: str | None = None


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
    # Job pages a crawl of one list page follows at most (the rest keep the list's fields).
    max_detail_pages: int = 25
    # Where each ATS API lives, by kind; only tests and mirrors change these.
    ats_base_urls: dict[str, str] = Field(default_factory=dict)


class LlmSettings(BaseModel):
    """The model for pages without structured data, e.g. ``openai:gpt-4.1-mini``."""

    model: str | None = None  # provider:model for LangChain's init_chat_model; unset: heuristics
    api_key: SecretStr | None = None
    base_url: str | None = None
    temperature: float = 0.0


class MatchingSettings(BaseModel):
    """Embeddings, scoring weights and delivery of matches (``MATCHING__...``)."""

    # "onnx": all-MiniLM-L6-v2 int8 on the CPU, offline. "openai": an OpenAI-compatible
    # embeddings endpoint through LangChain (embedding_model, api_key, base_url below).
    embedder: Literal["onnx", "openai"] = "onnx"
    embedding_model: str = "text-embedding-3-small"
    api_key: SecretStr | None = None
    base_url: str | None = None
    embed_batch_size: int = 32
    # Score = weighted sum of the parts; weights need not add up to 1 (the score is divided by
    # their sum).
    weight_semantic: float = 0.45
    weight_skills: float = 0.30
    weight_title: float = 0.0  # measured to add nothing by default (matching/scoring.py)
    weight_recency: float = 0.10
    threshold: float = 0.45  # nothing under this is sent
    no_salary_penalty: float = 0.05  # a job without salary is kept but ranked lower
    disliked_kind_penalty: float = 0.25  # "not interested in this kind of role"
    similar_to_disliked_penalty: float = 0.15  # very close to a job marked not interested
    recency_half_life_days: float = 14.0
    # A new job's fan-out: every candidate at least this close (cosine) who passes the payload
    # pre-filter, in pages of this many (each page scored and written in bulk).
    similarity_floor: float = 0.2
    fanout_page_size: int = Field(default=1_000, ge=1)
    # Digests: the local hour they go out, the weekday of weekly ones (0 = Monday), their size.
    digest_hour: int = Field(default=9, ge=0, le=23)
    weekly_digest_weekday: int = Field(default=0, ge=0, le=6)
    digest_size: int = 5
    # Delivery limits, as Telegram states them; all workers share them through Redis.
    telegram_per_second: float = 30.0
    telegram_per_chat_per_second: float = 1.0
    delivery_max_tries: int = 6
    followup_after_days: int = 7  # "heard back?" after an application


class MetricsSettings(BaseModel):
    """Prometheus ``/metrics`` (``METRICS__*``): not served at all unless one of these is set."""

    port: int | None = None  # its own listener on HOST:port (keep the port off the internet)
    token: SecretStr | None = None  # or on the main app, with "Authorization: Bearer <token>"


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
    whatsapp: WhatsAppSettings = Field(default_factory=WhatsAppSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    matching: MatchingSettings = Field(default_factory=MatchingSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    # Where people reach this service from outside: the Apply links (/r/{token}) start with it.
    # Unset: http://HOST:PORT.
    public_url: str | None = None
    # User keys of the admins: "telegram:123", "whatsapp:4917...", "console:local"; a bare number
    # means a Telegram user id. Unset in development: the terminal user is the admin (admin_keys).
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    encryption_keys: SecretStr | None = None

    # Load the bundled demo catalogue into an empty non-production database; false removes it.
    demo_jobs: bool = True
    max_webhook_body_bytes: int = 256 * 1024
    webhook_body_timeout_s: float = Field(default=10.0, gt=0)  # a slower body is answered 408
    resume_max_bytes: int = 10 * 1024 * 1024

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            value = [value]
        if isinstance(value, list):
            return [admin_key(part) for part in value]
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
    def admin_keys(self) -> list[str]:
        """The ADMINS setting; unset in development, the terminal user (``jobscout chat``) is the
        admin, so a newcomer can add sources and review jobs with no bot account."""
        if self.environment == "development" and not self.admins:
            return [CONSOLE_USER_KEY]
        return list(self.admins)

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram.bot_token is not None

    @property
    def whatsapp_enabled(self) -> bool:
        return self.whatsapp.access_token is not None

    @property
    def email_enabled(self) -> bool:
        return self.smtp.host is not None


def admin_key(value: object) -> str:
    """``telegram:123``, ``whatsapp:4917…`` or ``console:local``; a bare number is a Telegram id."""
    text = str(value).strip()
    if isinstance(value, int) or text.isdigit():
        return f"{Channel.TELEGRAM}:{int(text)}"
    channel, sep, user = text.partition(":")
    if not sep or not user.strip() or channel.strip().lower() not in set(Channel):
        raise ValueError(
            f"not an admin: {text!r} (use telegram:ID, whatsapp:NUMBER or console:local)"
        )
    return f"{channel.strip().lower()}:{user.strip()}"


def load_settings(**overrides: object) -> Settings:
    """Read settings now (never at import time); keyword overrides win over the environment."""
    return Settings(**overrides)  # type: ignore[arg-type]
