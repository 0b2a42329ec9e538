"""The composition root: start (or connect to) every external system once and wire the services.

Vectors: with no ``QDRANT_URL`` the index is qdrant-edge in-process under ``DATA_DIR/vectors``
(``EdgeVectorIndex``); with one, a Qdrant server through qdrant-client (imported only then). A
qdrant-client local-mode folder left by an earlier version (``DATA_DIR/qdrant``) is copied into
the edge index once on start, each batch checked back by id, and then removed: the index is
derived data (MongoDB holds everything it is built from, ``jobscout index rebuild`` makes it
again), and a folder kept aside would keep the vectors and payloads of users who later ask for
/delete.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import structlog
from pymongo import AsyncMongoClient
from redis.asyncio import Redis

from conversations.admin import AdminService
from conversations.chat import ChatService, utc_now
from conversations.linking import LinkService
from conversations.match_views import MatchViews
from core.channels import Channel, FileFetcher, ReplySender, TemplateSender
from core.crypto import Cipher
from core.embedded import EmbeddedStack
from core.logging import pseudonym, set_pseudonym_key
from core.ports.people import PersonalData
from core.queue import ArqQueue, TaskQueue, connect_queue
from core.ratelimit import RedisRateLimiter, delivery_limits
from core.settings import MatchingSettings, Settings
from core.skills import SkillTaxonomy
from core.store.admins import MongoAdminRepository, MongoReviewRepository
from core.store.candidates import MongoCandidates
from core.store.ingest import MongoAuditLog, MongoJobRepository, MongoSourceRepository
from core.store.matches import MongoApplications, MongoFeedback, MongoLinks, MongoMatches
from core.store.mongo import connect
from core.store.outbox import MongoOutbox, MongoRecipients
from core.store.people import MongoPeople
from core.store.repositories import (
    MongoConversationRepository,
    MongoDeadLetters,
    MongoInboundRepository,
    MongoPersonalData,
    MongoResumeRepository,
    MongoUserRepository,
)
from crawlers.crawl import Crawler
from crawlers.fetch import HttpFetcher
from crawlers.following import DetailReader
from crawlers.ingest import Ingestor
from crawlers.llm import LlmExtractor, build_chat_model
from crawlers.normalize import parse_locations
from crawlers.render import PageRenderer
from matching.delivery import DeliveryService, concurrency_for, kick_delivery
from matching.embed import Embedder, load_embedder
from matching.index import Progress, VectorIndex
from matching.index_edge import MIGRATED, EdgeVectorIndex, migrate_local_mode

if TYPE_CHECKING:
    from bots.email.bounces import Bounce, BounceListener
from conversations.resumes import ResumeIntake
from matching.service import MatchService

log = structlog.get_logger(__name__)

_EMBEDDERS: dict[str, Embedder] = {}
# WhatsApp takes free-form messages only this long after the user's last message.
WHATSAPP_WINDOW = timedelta(hours=24)
LOCAL_MODE = "qdrant"  # DATA_DIR's qdrant-client local-mode folder, before the edge index


def shared_embedder(settings: MatchingSettings) -> Embedder:
    """The local model loads once per process, however many runtimes start (tests start many);
    an endpoint embedder is made per runtime and closed with it."""
    if settings.embedder != "onnx":
        return load_embedder(settings)
    key = f"onnx:{settings.embed_batch_size}"
    if key not in _EMBEDDERS:
        _EMBEDDERS[key] = load_embedder(settings)
    return _EMBEDDERS[key]


async def open_index(
    settings: Settings, embedder: Embedder, progress: Progress | None = None
) -> tuple[VectorIndex, bool]:
    """The vector index the settings name, its collections ensured, and whether it must be
    rebuilt from MongoDB (a collection started empty, or points could not be moved); a
    local-mode folder of an earlier version is moved into the embedded one (module docstring)."""
    if settings.qdrant_url:
        from qdrant_client import AsyncQdrantClient

        from matching.index_qdrant import QdrantVectorIndex

        client = AsyncQdrantClient(url=settings.qdrant_url)
        server = QdrantVectorIndex.for_embedder(client, embedder)
        return server, (await server.ensure()).rebuild_needed
    index = EdgeVectorIndex.for_embedder(settings.data_dir / "vectors", embedder)
    ensured = await index.ensure()
    old = settings.data_dir / LOCAL_MODE
    if not old.is_dir():
        return index, ensured.rebuild_needed
    try:
        report = await migrate_local_mode(old, index, progress)
    except BaseException:
        await index.close()
        raise
    if (index.root / MIGRATED).exists():  # every point copied and checked back (or skipped)
        await asyncio.to_thread(shutil.rmtree, old)
        log.info("index.local_mode_removed", folder=str(old), moved=report.moved)
    empty_start = ensured.rebuild_needed and not report.moved_any
    return index, empty_start or report.rebuild_needed


def settle_memory() -> None:
    """Call once start-up is done, in long-running processes.

    Everything loaded so far (libraries, clients, models) lives as long as the process; freezing
    it keeps the cyclic garbage collector from re-scanning it, and a larger first generation
    makes collections rarer. Measured with bench/webhook.py: full collections over the start-up
    heap stalled every request for ~200 ms.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(200_000, 50, 1_000)


@dataclass
class Runtime:
    settings: Settings
    stack: EmbeddedStack
    mongo: AsyncMongoClient[dict[str, Any]]
    redis: Redis
    queue: ArqQueue
    index: VectorIndex
    senders: dict[Channel, ReplySender]
    files: dict[Channel, FileFetcher]
    chat: ChatService
    resumes: ResumeIntake
    admin: AdminService
    crawler: Crawler
    delivery: DeliveryService
    links: MongoLinks
    matches: MatchService
    linking: LinkService
    telegram_bot: Any = None
    _closers: list[Any] = field(default_factory=list)

    @classmethod
    async def start(
        cls,
        settings: Settings,
        *,
        senders: Mapping[Channel, ReplySender] | None = None,
        files: Mapping[Channel, FileFetcher] | None = None,
        clock: Callable[[], datetime] = utc_now,
        progress: Progress | None = None,
    ) -> Runtime:
        """Connect to everything the settings name; start embedded servers for what they don't.

        Every service reads the time from ``clock`` (tests pass one they can move);
        ``progress(done, total)`` hears how moving an old local-mode folder goes (the CLI draws
        a bar).
        """
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        stack = EmbeddedStack(settings.data_dir)
        try:
            mongodb_url = (
                settings.mongodb_url.get_secret_value()
                if settings.mongodb_url
                else await stack.mongodb_url()
            )
            redis_url = settings.redis_url or await stack.redis_url()
            mongo = await connect(mongodb_url, settings.mongodb_database)
            redis = Redis.from_url(redis_url)
            cipher = (
                Cipher(settings.fernet_keys)
                if settings.fernet_keys
                else Cipher.development(str(settings.data_dir / "dev-encryption.key"))
            )
            # Task arguments name people: Redis holds them sealed with the service's key.
            queue = await connect_queue(redis_url, cipher)
            embedder = shared_embedder(settings.matching)
            index, rebuild_needed = await open_index(settings, embedder, progress)
        except BaseException:
            stack.stop()
            raise

        all_senders: dict[Channel, ReplySender] = dict(senders or {})
        all_files: dict[Channel, FileFetcher] = dict(files or {})
        bot = None
        if settings.telegram_enabled:
            from bots.telegram import TelegramFiles, TelegramSender, build_bot

            bot = build_bot(settings.telegram)
            await bot.initialize()
            all_senders.setdefault(Channel.TELEGRAM, TelegramSender(bot))
            all_files.setdefault(Channel.TELEGRAM, TelegramFiles(bot))
        closers: list[Any] = []  # clients to close on stop (their aclose)
        templates: dict[Channel, TemplateSender] = {}
        windows: dict[Channel, timedelta] = {}
        delivery_senders: dict[Channel, ReplySender] = {}
        if settings.whatsapp_enabled:
            from bots.whatsapp import WhatsAppFiles, WhatsAppSender
            from bots.whatsapp.templates import WhatsAppTemplates

            if Channel.WHATSAPP not in all_senders:
                all_senders[Channel.WHATSAPP] = WhatsAppSender(settings.whatsapp)
                # Delivery books its own slots and puts a row back on a rate limit rather
                # than waiting inside the sender.
                delivery_senders[Channel.WHATSAPP] = WhatsAppSender(
                    settings.whatsapp, max_retries=0
                )
                closers += [all_senders[Channel.WHATSAPP], delivery_senders[Channel.WHATSAPP]]
            if Channel.WHATSAPP not in all_files:
                all_files[Channel.WHATSAPP] = WhatsAppFiles(settings.whatsapp)
                closers.append(all_files[Channel.WHATSAPP])
            sender = delivery_senders.get(Channel.WHATSAPP) or all_senders[Channel.WHATSAPP]
            if isinstance(sender, WhatsAppSender):
                templates[Channel.WHATSAPP] = WhatsAppTemplates(sender, settings.whatsapp)
            windows[Channel.WHATSAPP] = WHATSAPP_WINDOW

        # Log lines name people by a keyed pseudonym that stays the same across processes.
        set_pseudonym_key(cipher.derive_key("logs"))
        # The stores, then the services, each built once with everything it needs: the match
        # service first (the others call it), then linking (it forgets matches), delivery (it
        # mails through linking's verified addresses), admin (its /stats reads the matches),
        # and the chat service that hands each message to one of them.
        conversations = MongoConversationRepository()
        resumes = MongoResumeRepository(cipher)
        users = MongoUserRepository()
        personal = MongoPersonalData(resumes, cipher.derive_key("erasure"))
        dead_letters = MongoDeadLetters(cipher)
        jobs = MongoJobRepository()
        outbox = MongoOutbox()
        links = MongoLinks()
        taxonomy = SkillTaxonomy.load()
        kick = functools.partial(kick_delivery, queue)
        public_url = settings.public_url or f"http://{settings.host}:{settings.port}"
        matches = MatchService(
            settings=settings.matching,
            public_url=public_url,
            embedder=embedder,
            index=index,
            jobs=jobs,
            candidates=MongoCandidates(),
            matches=MongoMatches(),
            applications=MongoApplications(),
            links=links,
            feedback=MongoFeedback(),
            outbox=outbox,
            taxonomy=taxonomy,
            # Pure and asked again for every candidate of every new job: remember the answers.
            places=functools.lru_cache(maxsize=10_000)(parse_locations),
            clock=clock,
            kick=kick,
            cards=MatchViews(),
            # The fence against /delete (MatchService.fence): what a fan-out wrote for someone
            # erased while it ran goes again; their chat's own row is not the fan-out's to touch.
            erase=functools.partial(_erase_profile, personal, clock),
        )
        email_sender = None
        bounce_domain = None
        if settings.email_enabled:
            from bots.email import EmailSender, parse_from_address

            email_sender = EmailSender(settings.smtp)
            if settings.smtp.bounce_port is not None:
                bounce_domain = (
                    settings.smtp.bounce_domain
                    or parse_from_address(settings.smtp.from_address).domain
                )
        linking = LinkService(
            people=MongoPeople(),
            users=users,
            conversations=conversations,
            personal=personal,
            redis=redis,
            cipher=cipher,
            public_url=public_url,
            email=email_sender,
            bounce_domain=bounce_domain,
            forget=matches.forget,
            reindex=functools.partial(_reindex, queue),
            clock=clock,
        )
        delivery_senders = {**all_senders, **delivery_senders}
        if bot is not None and Channel.TELEGRAM not in (senders or {}):
            from bots.telegram import TelegramSender

            # Delivery books its own slots (core.ratelimit) and puts a row back on a 429
            # rather than waiting inside the sender.
            delivery_senders[Channel.TELEGRAM] = TelegramSender(bot, max_retries=0)
        if email_sender is not None and Channel.EMAIL not in (senders or {}):
            from bots.email import EmailChannel

            # Job mail: to verified addresses only, looked up (and decrypted) per message.
            delivery_senders[Channel.EMAIL] = EmailChannel(email_sender, linking.mailbox)
        limits = delivery_limits(
            settings.matching, settings.whatsapp if settings.whatsapp_enabled else None
        )
        delivery = DeliveryService(
            outbox=outbox,
            recipients=MongoRecipients(),
            users=users,
            limiter=RedisRateLimiter(redis, limits),
            senders=delivery_senders,
            dead_letters=dead_letters,
            clock=clock,
            max_tries=settings.matching.delivery_max_tries,
            concurrency=concurrency_for(limits),
            windows=windows,
            templates=templates,
            kick=kick,
        )
        admin = AdminService(
            admins=MongoAdminRepository(settings.admin_keys),
            reviews=MongoReviewRepository(),
            sources=MongoSourceRepository(),
            jobs=jobs,
            audit=MongoAuditLog(),
            dead_letters=dead_letters,
            queue=queue,
            senders=all_senders,
            clock=clock,
            review_timeout=timedelta(minutes=settings.crawl.review_timeout_minutes),
            default_interval_minutes=settings.crawl.default_interval_minutes,
            match_stats=matches.stats_lines,
        )
        chat = ChatService(
            conversations=conversations,
            users=users,
            inbound=MongoInboundRepository(),
            personal=personal,
            senders=all_senders,
            queue=queue,
            redis=redis,
            dead_letters=dead_letters,
            clock=clock,
            admin=admin,
            matches=matches,
            user_wrote=delivery.user_wrote,
            people=linking.people,
            linking=linking,
        )
        chat_model = build_chat_model(settings.llm)
        crawler = Crawler(
            fetcher=HttpFetcher(settings.crawl),
            sources=admin.sources,
            ingestor=Ingestor(jobs, taxonomy, settings.crawl.auto_approve_confidence),
            settings=settings.crawl,
            clock=clock,
            renderer=PageRenderer(settings.crawl),
            llm=LlmExtractor(chat_model, clock=clock) if chat_model is not None else None,
            details=DetailReader(max_pages=settings.crawl.max_detail_pages),
        )
        intake = ResumeIntake(
            chat=chat,
            conversations=conversations,
            resumes=resumes,
            files=all_files,
            max_bytes=settings.resume_max_bytes,
        )
        # Chats linked before their conversation rows named their person (a no-op once done).
        await conversations.adopt_links()
        stale = rebuild_needed or bool(
            await index.stale_ids("jobs") or await index.stale_ids("candidates")
        )
        if stale and await matches.has_anything_to_index():
            # A new or emptied collection, or vectors of another model: rebuild from MongoDB.
            await queue.enqueue("rebuild_index", job_id="rebuild_index")
        log.info("runtime.started", embedded=stack.started, telegram=bot is not None)
        return cls(
            settings=settings,
            stack=stack,
            mongo=mongo,
            redis=redis,
            queue=queue,
            index=index,
            senders=all_senders,
            files=all_files,
            chat=chat,
            resumes=intake,
            telegram_bot=bot,
            admin=admin,
            crawler=crawler,
            delivery=delivery,
            links=links,
            matches=matches,
            linking=linking,
            _closers=closers,
        )

    async def listen_for_bounces(self) -> BounceListener | None:
        """Start the SMTP listener for late bounces when ``SMTP__BOUNCE_PORT`` is set."""
        port = self.settings.smtp.bounce_port
        if port is None or not self.settings.email_enabled:
            return None
        from bots.email.bounces import BounceListener

        listener = BounceListener(
            self.settings.host, port, self.linking.bounce_secret, self._bounced
        )
        try:
            await listener.start()
        except OSError as exc:
            # Several web processes on one host: one of them listens, the others need not.
            log.warning("email.bounces.not_listening", port=port, error=str(exc))
            return None
        return listener

    async def _bounced(self, bounce: Bounce) -> None:
        """A permanent bounce: the address is undeliverable, and the mail that bounced goes
        down its person's route like any other permanent failure."""
        row = (
            await self.delivery.outbox.by_platform_id(bounce.message_id)
            if bounce.message_id
            else None
        )
        if row is not None and row.user_key == bounce.member_key:
            await self.delivery.on_status(bounce.message_id or "", "failed", "unreachable")
        else:
            await self.chat.users.set_reachable(bounce.member_key, False)

    async def readiness(self) -> dict[str, bool]:
        async def check(name: str, probe: Any) -> tuple[str, bool]:
            try:
                await asyncio.wait_for(probe, timeout=2)
            except Exception as exc:  # readiness reports every failure as "not ready"
                log.warning("ready.check_failed", component=name, error=str(exc))
                return name, False
            return name, True

        results = await asyncio.gather(
            check("mongodb", self.mongo.admin.command("ping")),
            check("redis", self.redis.ping()),
            check("qdrant", self.index.ready()),
        )
        return dict(results)

    async def stop(self) -> None:
        """Close every client, then stop what this runtime started (reverse order)."""
        await self.crawler.fetcher.close()
        if self.crawler.renderer is not None:
            await self.crawler.renderer.close()
        if self.telegram_bot is not None:
            await self.telegram_bot.shutdown()
        for client in self._closers:
            await client.aclose()
        if self.matches.embedder not in _EMBEDDERS.values():  # shared ones live on
            self.matches.embedder.close()
        await self.index.close()
        await self.queue.pool.aclose()
        await self.redis.aclose()
        await self.mongo.close()
        await asyncio.to_thread(self.stack.stop)
        log.info("runtime.stopped")


async def _reindex(queue: TaskQueue, person: str) -> None:
    """Linked chats share the kept profile: index it again (and match it) soon."""
    await queue.enqueue(
        "index_candidate", person, job_id=f"candidate:{pseudonym(person)}:linked:{time.time_ns()}"
    )


async def _erase_profile(
    personal: PersonalData, clock: Callable[[], datetime], person: str
) -> None:
    """What a match fan-out wrote for someone erased while it ran (matches, links, alerts)."""
    await personal.erase(person, clock(), profile_only=True)
