"""The FastAPI app: webhook routes (auth, size limit, dedupe, ordering), health and readiness."""

from __future__ import annotations

import asyncio
import hmac
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape
from typing import Annotated, Any
from urllib.parse import urlsplit

import structlog
from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse

from bots.email.render import email_text
from bots.payload import load_json
from bots.telegram import to_inbound
from bots.whatsapp import SignatureCheck, verify_handshake, verify_signature
from bots.whatsapp import to_inbound as whatsapp_inbound
from core import metrics
from core.channels import Channel
from core.settings import Settings
from webhooks.runtime import Runtime

log = structlog.get_logger(__name__)


class BodyTooLarge(Exception):
    pass




async def read_limited(request: Request, limit: int, timeout_s: float) -> bytes:
    """Read the body but never more than ``limit`` bytes, whatever Content-Length claims."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async with asyncio.timeout(timeout_s):  # TimeoutError: the routes answer 408
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > limit:
                raise BodyTooLarge
    return bytes(body)


# Tokens come from secrets.token_urlsafe(12): 16 URL-safe characters. Anything else is not ours.
LINK_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")
# The capability in the path must not follow the user to the employer's site, and every visit
# must reach us to be counted.
REDIRECT_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def redirectable(url: str) -> bool:
    """Only absolute http(s) URLs with a host, and nothing that could bend a header."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def create_app(settings: Settings, runtime: Runtime | None = None) -> FastAPI:
    """The web app; it starts its own runtime unless one is handed in (the CLI and tests do)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        app.state.runtime = runtime or await Runtime.start(settings)
        app.state.tasks = set()
        # Late bounces arrive by mail: the web process listens for them (SMTP__BOUNCE_PORT).
        bounces = await app.state.runtime.listen_for_bounces()
        try:
            yield
        finally:
            if bounces is not None:
                await bounces.stop()
            if app.state.tasks:
                await asyncio.wait(app.state.tasks, timeout=10)
            if owned:
                await app.state.runtime.stop()

    # No docs and no schema: nothing here is for browsing, and the schema maps the attack surface.
    app = FastAPI(
        title="JobScout", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.add_middleware(metrics.WebhookMetrics)  # webhook requests and latency by outcome

    @app.get("/metrics")
    async def metrics_scrape(request: Request) -> Response:
        # Not public: 404 unless METRICS__TOKEN is set, and then only with that bearer token.
        token = settings.metrics.token
        status = metrics.scrape_status(
            request.headers.get("authorization"), token.get_secret_value() if token else None
        )
        if status != 200:
            return Response(status_code=status)
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready")
    async def ready(rt: RuntimeDep) -> JSONResponse:
        checks = await rt.readiness()
        return JSONResponse(
            {"ready": all(checks.values()), "checks": checks},
            status_code=200 if all(checks.values()) else 503,
        )

    @app.get("/r/{token}")
    async def tracked_redirect(token: str, rt: RuntimeDep) -> Response:
        # No auth: the random token is the capability.
        url = await rt.links.click(token, rt.chat.clock()) if LINK_TOKEN.fullmatch(token) else None
        if url is None or not redirectable(url):
            return PlainTextResponse(
                "This link is not valid.", status_code=404, headers=REDIRECT_HEADERS
            )
        return RedirectResponse(url, status_code=307, headers=REDIRECT_HEADERS)

    @app.get("/email/unsubscribe/{token}")
    async def unsubscribe_page(token: str, rt: RuntimeDep) -> Response:
        # A GET never unsubscribes (mail scanners open links): it shows the one button to press.
        # Mail clients that support RFC 8058 POST straight to this URL.
        if not rt.linking.unsubscribe_token_valid(token):
            return _page("This unsubscribe link is not valid.", 403)
        lang = await rt.linking.unsubscribe_lang(token)
        button = escape(email_text(lang, "unsubscribe"))
        return _page(
            f"{escape(email_text(lang, 'page_confirm'))}"
            f'<form method="post"><button type="submit">{button}</button></form>',
            200,
            lang,
        )

    @app.post("/email/unsubscribe/{token}")
    async def unsubscribe(token: str, rt: RuntimeDep) -> Response:
        # No login: the signed token is the capability, and it works once.
        if not rt.linking.unsubscribe_token_valid(token):
            return _page("This unsubscribe link is not valid.", 403)
        lang = await rt.linking.unsubscribe_lang(token)
        if await rt.linking.unsubscribe(token):
            return _page(escape(email_text(lang, "page_done")), 200, lang)
        return _page(escape(email_text(lang, "page_used")), 410, lang)

    @app.post("/webhooks/telegram")
    async def telegram_webhook(request: Request, rt: RuntimeDep) -> Response:
        expected = settings.telegram.webhook_secret
        given = request.headers.get("x-telegram-bot-api-secret-token")
        if expected is None or not settings.telegram_enabled:
            return Response(status_code=404)
        if given is None:
            return Response(status_code=401)
        if not hmac.compare_digest(given.encode(), expected.get_secret_value().encode()):
            log.warning("webhook.forged", channel="telegram")
            return Response(status_code=403)
        try:
            body = await read_limited(
                request, settings.max_webhook_body_bytes, settings.webhook_body_timeout_s
            )
        except BodyTooLarge:
            return Response(status_code=413)
        except TimeoutError:
            return Response(status_code=408)
        # Not JSON, or nested past any real update (json.loads would raise RecursionError):
        # malformed, answered 200 below so Telegram does not resend it.
        update: Any = load_json(body)
        msg = to_inbound(update) if update is not None else None
        if msg is None:
            # Acknowledge so the platform stops resending something we can never read.
            log.warning("inbound.malformed", channel="telegram", size=len(body))
            request.state.outcome = "malformed"
            return Response(status_code=200)
        if msg.callback_id:
            msg = msg.model_copy(update={"callback_answered": True})
        if not await rt.chat.accept(msg):
            log.info("inbound.duplicate", update_id=msg.update_id)
            request.state.outcome = "duplicate"
            return Response(status_code=200)
        task = asyncio.create_task(_process(rt, msg.user_key))
        request.app.state.tasks.add(task)
        task.add_done_callback(request.app.state.tasks.discard)
        if msg.callback_id:
            # Telegram runs a method given in the webhook's answer: the button's spinner stops
            # without a Bot API request of our own.
            return JSONResponse(
                {"method": "answerCallbackQuery", "callback_query_id": msg.callback_id}
            )
        return Response(status_code=200)

    @app.get("/webhooks/whatsapp")
    async def whatsapp_handshake(request: Request) -> Response:
        verify_token = settings.whatsapp.verify_token
        if not settings.whatsapp_enabled or verify_token is None:
            return Response(status_code=404)
        params = request.query_params
        challenge = verify_handshake(
            params.get("hub.mode"),
            params.get("hub.verify_token"),
            params.get("hub.challenge"),
            verify_token.get_secret_value(),
        )
        if challenge is None:
            log.warning("webhook.handshake_refused", channel="whatsapp")
            return Response(status_code=403)
        return PlainTextResponse(challenge)

    @app.post("/webhooks/whatsapp")
    async def whatsapp_webhook(request: Request, rt: RuntimeDep) -> Response:
        app_secret = settings.whatsapp.app_secret
        if not settings.whatsapp_enabled or app_secret is None:
            return Response(status_code=404)
        signature = request.headers.get("x-hub-signature-256")
        if not signature:
            return Response(status_code=401)
        try:
            body = await read_limited(
                request, settings.max_webhook_body_bytes, settings.webhook_body_timeout_s
            )
        except BodyTooLarge:
            return Response(status_code=413)
        except TimeoutError:
            return Response(status_code=408)
        check = verify_signature(body, signature, app_secret.get_secret_value())
        if check is not SignatureCheck.OK:
            log.warning("webhook.forged", channel="whatsapp")
            return Response(status_code=401 if check is SignatureCheck.MISSING else 403)
        payload: Any = load_json(body)  # None when not JSON or nested deeper than any payload
        batch = whatsapp_inbound(payload) if isinstance(payload, dict) else None
        if batch is None or (not batch.messages and not batch.statuses):
            # Acknowledge so Meta stops resending something we can never read.
            log.warning("inbound.malformed", channel="whatsapp", size=len(body))
            request.state.outcome = "malformed"
            return Response(status_code=200)
        # Statuses never reach the conversation: delivery notes them (a task, so the answer
        # stays fast and a failure is retried by our queue, not by Meta).
        for status in batch.statuses:
            await rt.queue.enqueue(
                "whatsapp_status",
                status.message_id,
                status.status,
                delivery_failure(status.error_code),
                job_id=f"wa-status:{status.message_id}:{status.status}",
            )
        for wa_id, business_id in batch.bsuids.items():
            await rt.chat.users.remember_business_id(f"{Channel.WHATSAPP}:{wa_id}", business_id)
        users: list[str] = []
        for msg in batch.messages:  # each message is its own turn, in order
            if await rt.chat.accept(msg):
                users.append(msg.user_key)
            else:
                log.info("inbound.duplicate", update_id=msg.update_id)
        if batch.messages and not users:
            request.state.outcome = "duplicate"  # every message of it was seen before
        for user_key in dict.fromkeys(users):
            task = asyncio.create_task(_process(rt, user_key))
            request.app.state.tasks.add(task)
            task.add_done_callback(request.app.state.tasks.discard)
        return Response(status_code=200)

    return app


_PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                 "X-Robots-Tag": "noindex", "Content-Security-Policy": "default-src 'none'"}


def _page(body: str, status: int, lang: str = "en") -> Response:
    """A tiny page; ``body`` is HTML the caller escaped."""
    html = (
        f'<!doctype html><html lang="{escape(lang)}"><meta charset="utf-8"><title>JobScout</title>'
        f"<p>{body}</p></html>"
    )
    return Response(html, status_code=status, media_type="text/html", headers=_PAGE_HEADERS)


def delivery_failure(error_code: int | None) -> str | None:
    """What a WhatsApp status error means for delivery (see DeliveryService.on_status)."""
    if error_code is None:
        return None
    return {131047: "window", 131026: "unreachable"}.get(error_code, str(error_code))


async def _process(rt: Runtime, user_key: str) -> None:
    try:
        await rt.chat.process_user(user_key)
    except Exception:
        # Accepted updates stay pending; the recovery task processes them again.
        log.exception("inbound.processing_failed", user=user_key)
