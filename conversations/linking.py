"""The linking service: join chats into one person, choose where alerts go, add an e-mail address.

The engine decides what was asked (conversations/linking.py); this carries it out:

- /link issues a one-time code (6 characters, 10 minutes, one live code per person); ``/link
  CODE`` from another chat joins the two. Wrong codes count against the chat that types them
  (5 tries in 10 minutes). When both chats have a finished profile the user chooses which to
  keep, and the other profile is deleted; nothing is merged silently. Otherwise the finished one
  is kept (or the one that asked for the code, when neither is).
- /channels shows the route (the first gets alerts, the rest are fallbacks) with buttons to
  prefer or unlink a chat and remove the address.
- /email mails a 6-digit code to the address; only the code typed back makes the address a
  member of the person, and until then nothing else is mailed to it. Unsubscribing (a signed
  one-click link in every job mail) removes the address.

Codes and pending choices live in Redis under keyed hashes, their contents encrypted, and expire
on their own: no Redis key or value names a person or an address in the clear.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import structlog
from redis.asyncio import Redis

from bots.email.bounces import verp_address
from bots.email.channel import Mailbox
from bots.email.render import normalize_address
from bots.email.sender import EmailSender
from bots.email.tokens import read_unsubscribe, sign_unsubscribe
from conversations import link_commands as linking
from conversations.models import (
    AddEmail,
    IssueLinkCode,
    LinkCommand,
    PreferChannel,
    RedeemLinkCode,
    RemoveEmail,
    ResolveLink,
    ShowChannels,
    UnlinkChannel,
    VerifyEmail,
)
from conversations.texts import t
from core.channels import Button, Channel, ChatRef, InboundMessage, Reply, email_key
from core.crypto import Cipher, DecryptionFailed
from core.errors import RecipientBlocked, TransientError
from core.ports.conversations import Conversations
from core.ports.people import Member, People, PersonalData, Users

log = structlog.get_logger(__name__)

CODE_TTL_S: Final = 600  # a link or e-mail code lives 10 minutes
LINK_TRIES: Final = 5  # wrong link codes one chat may type in CODE_TTL_S
EMAIL_TRIES: Final = 5  # wrong e-mail codes per mailed code
EMAIL_SENDS: Final = 3  # code mails per person in CODE_TTL_S
MINUTES: Final = CODE_TTL_S // 60


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class LinkService:
    people: People
    users: Users
    conversations: Conversations
    personal: PersonalData
    redis: Redis
    cipher: Cipher
    public_url: str
    email: EmailSender | None = None  # None: no SMTP configured, the e-mail channel is off
    # Where late bounces go (a VERP envelope sender per address), or None: not listened for.
    bounce_domain: str | None = None
    # The candidate's vector and matches follow the profile: drop one, re-index the other.
    forget: Callable[[str], Awaitable[None]] | None = None
    reindex: Callable[[str], Awaitable[None]] | None = None
    clock: Callable[[], datetime] = utc_now

    def __post_init__(self) -> None:
        self._secret = self.cipher.derive_key("linking")

    # --- entry point ----------------------------------------------------------------------

    async def run(self, command: LinkCommand, msg: InboundMessage, lang: str) -> list[Reply]:
        """Carry out one linking command for the chat ``msg`` came from; the replies for it."""
        person = msg.owner
        if isinstance(command, IssueLinkCode):
            return [await self._issue(person, lang)]
        if isinstance(command, RedeemLinkCode):
            return await self._redeem(command.code, msg, lang)
        if isinstance(command, ResolveLink):
            return await self._resolve(command.keep, msg, lang)
        if isinstance(command, ShowChannels):
            return [await self.channels_view(person, lang)]
        if isinstance(command, PreferChannel):
            return [await self._prefer(person, command.channel, lang)]
        if isinstance(command, UnlinkChannel):
            return [await self._unlink(person, command.channel, lang)]
        if isinstance(command, AddEmail):
            return [await self._add_email(person, command.address, lang)]
        if isinstance(command, VerifyEmail):
            return [await self._verify_email(person, command.code, lang)]
        if isinstance(command, RemoveEmail):
            return [await self._remove_email(person, lang)]
        raise TypeError(f"not a linking command: {command!r}")

    @property
    def email_enabled(self) -> bool:
        return self.email is not None

    # --- link codes -----------------------------------------------------------------------

    async def _issue(self, person: str, lang: str) -> Reply:
        issued_key = self._key("issued", person)
        old = await self.redis.get(issued_key)
        if old:
            await self.redis.delete(self._key("code", old.decode()))  # one live code per person
        code = "".join(secrets.choice(linking.CODE_ALPHABET) for _ in range(linking.CODE_LENGTH))
        await self.redis.set(
            self._key("code", code), self._seal({"person": person}), ex=CODE_TTL_S
        )  # _seal stamps it with our clock's time: that decides when it expires
        await self.redis.set(issued_key, code, ex=CODE_TTL_S)
        log.info("link.code_issued", user=person)
        return Reply(text=t(lang, "link_code_issued", code=code, minutes=MINUTES))

    async def _redeem(self, code: str, msg: InboundMessage, lang: str) -> list[Reply]:
        tries = await self._count(self._key("tries", msg.user_key))
        if tries > LINK_TRIES:
            log.warning("link.throttled", user=msg.user_key)
            return [Reply(text=t(lang, "link_throttled", minutes=MINUTES))]
        sealed = await self.redis.getdel(self._key("code", code))
        payload = self._open(sealed)
        if payload is None:
            log.info("link.code_wrong", user=msg.user_key, tries=tries)
            return [Reply(text=t(lang, "link_code_wrong"))]
        await self.redis.delete(self._key("issued", payload["person"]))
        other, here = str(payload["person"]), msg.owner
        if other == here:
            return [Reply(text=t(lang, "link_same_person"))]
        clash = await self._channel_clash(other, here)
        if clash is not None:
            name = t(lang, f"channel_name_{clash}")
            return [Reply(text=t(lang, "link_channel_taken", channel=name))]
        other_state = await self.conversations.load(other)
        here_state = await self.conversations.load(here)
        other_done = bool(other_state and other_state.state.get("onboarded"))
        here_done = bool(here_state and here_state.state.get("onboarded"))
        known = other_state or here_state
        lang = str(known.state.get("lang", lang)) if known is not None else lang
        if other_done and here_done:
            await self.redis.set(
                self._key("pending", msg.user_key),
                self._seal({"other": other, "here": here}),
                ex=CODE_TTL_S,
            )
            return [
                Reply(
                    text=t(lang, "link_conflict"),
                    buttons=(
                        (Button(label=t(lang, "btn_keep_here"), data="link:keep:here"),),
                        (Button(label=t(lang, "btn_keep_other"), data="link:keep:other"),),
                    ),
                )
            ]
        await self.users.ensure(msg, lang, self.clock())
        keep, drop = (here, other) if here_done and not other_done else (other, here)
        return [await self._merge(keep, drop, lang)]

    async def _resolve(self, keep: str, msg: InboundMessage, lang: str) -> list[Reply]:
        pending = self._open(await self.redis.getdel(self._key("pending", msg.user_key)))
        if pending is None or pending.get("here") != msg.owner:
            return [Reply(text=t(lang, "link_conflict_expired"))]
        here, other = str(pending["here"]), str(pending["other"])
        if keep == "here":
            return [await self._merge(here, other, lang)]
        return [await self._merge(other, here, lang)]

    async def _merge(self, keep: str, drop: str, lang: str) -> Reply:
        """Every chat of ``drop`` joins ``keep``; ``drop``'s profile and data are deleted."""
        now = self.clock()
        members = await self.people.route(drop)
        await self.personal.erase(drop, now, profile_only=True)
        if self.forget is not None:
            await self.forget(drop)
        for key in members:
            await self.people.join(keep, key, now)
        if self.reindex is not None:
            await self.reindex(keep)
        log.info("link.joined", user=keep, members=len(members))
        state = await self.conversations.load(keep)
        lang = str(state.state.get("lang", lang)) if state else lang
        return Reply(text=t(lang, "link_done", channels=await self._summary(keep, lang)))

    async def _channel_clash(self, other: str, here: str) -> str | None:
        """A channel both people have a chat on (one chat per channel and person)."""
        theirs = {member.channel for member in await self.people.members(other)}
        for member in await self.people.members(here):
            if member.channel in theirs:
                return str(member.channel)
        return None

    # --- /channels --------------------------------------------------------------------------

    async def channels_view(self, person: str, lang: str) -> Reply:
        members = await self.people.members(person)
        rows: list[tuple[Button, ...]] = []
        if len(members) > 1:
            for member in members[1:]:
                name = _name(lang, member)
                rows.append((Button(label=t(lang, "btn_prefer", channel=name),
                                    data=f"ch:prefer:{member.channel}"),))
            for member in members:
                if member.channel is Channel.EMAIL:
                    continue
                name = _name(lang, member)
                rows.append((Button(label=t(lang, "btn_unlink", channel=name),
                                    data=f"ch:unlink:{member.channel}"),))
        if any(member.channel is Channel.EMAIL for member in members):
            rows.append((Button(label=t(lang, "btn_email_remove"), data="ch:email:remove"),))
        rows.append((Button(label=t(lang, "btn_link_new"), data="link:new"),))
        return Reply(text=await self._summary(person, lang, members), buttons=tuple(rows))

    async def _summary(
        self, person: str, lang: str, members: list[Member] | None = None
    ) -> str:
        members = members if members is not None else await self.people.members(person)
        if len(members) < 2:
            return t(lang, "channels_only_one")
        lines = [t(lang, "channels_header")]
        for position, member in enumerate(members, start=1):
            key = "channels_preferred" if position == 1 else "channels_line"
            lines.append(t(lang, key, position=position, channel=_name(lang, member)))
        lines.append(t(lang, "channels_fallback_note"))
        return "\n".join(lines)

    async def _prefer(self, person: str, channel: Channel, lang: str) -> Reply:
        member = await self._member_on(person, channel)
        if member is None:
            return Reply(text=t(lang, "channel_not_linked", channel=_channel_name(lang, channel)))
        await self.people.prefer(person, member.user_key, self.clock())
        return Reply(text=t(lang, "channel_preferred", channel=_channel_name(lang, channel)))

    async def _unlink(self, person: str, channel: Channel, lang: str) -> Reply:
        member = await self._member_on(person, channel)
        name = _channel_name(lang, channel)
        if member is None:
            return Reply(text=t(lang, "channel_not_linked", channel=name))
        members = await self.people.members(person)
        if len([m for m in members if m.channel is not Channel.EMAIL]) < 2:
            return Reply(text=t(lang, "channel_unlink_last"))
        await self.people.leave(person, member.user_key, self.clock())
        log.info("link.unlinked", user=person, channel=str(channel))
        return Reply(text=t(lang, "channel_unlinked", channel=name))

    async def _member_on(self, person: str, channel: Channel) -> Member | None:
        members = await self.people.members(person)
        return next((member for member in members if member.channel is channel), None)

    # --- e-mail -----------------------------------------------------------------------------

    async def _add_email(self, person: str, typed: str, lang: str) -> Reply:
        if self.email is None:
            return Reply(text=t(lang, "email_off"))
        address = normalize_address(typed.strip())
        if address is None:
            return Reply(text=t(lang, "email_invalid"))
        member = await self.people.member(email_key(address, self._secret))
        if member is not None:
            owner = await self.people.person_of(member.user_key)
            if owner == person:
                return Reply(text=t(lang, "email_already", address=_masked(address)))
            return Reply(text=t(lang, "email_in_use"))
        if await self._count(self._key("email-sends", person)) > EMAIL_SENDS:
            return Reply(text=t(lang, "link_throttled", minutes=MINUTES))
        code = f"{secrets.randbelow(10**linking.EMAIL_CODE_LENGTH):0{linking.EMAIL_CODE_LENGTH}d}"
        try:
            await self.email.send_code(address, code, lang=lang)
        except RecipientBlocked:
            return Reply(text=t(lang, "email_invalid"))
        except TransientError:
            return Reply(text=t(lang, "email_send_failed"))
        await self.redis.set(
            self._key("email-code", person),
            self._seal({"address": address, "code": self._digest(code), "tries": 0}),
            ex=CODE_TTL_S,
        )
        log.info("email.code_sent", user=person)
        return Reply(text=t(lang, "email_code_sent", address=_masked(address), minutes=MINUTES))

    async def _verify_email(self, person: str, code: str, lang: str) -> Reply:
        key = self._key("email-code", person)
        pending = self._open(await self.redis.get(key))
        if pending is None:
            return Reply(text=t(lang, "email_code_wrong"))
        if not hmac.compare_digest(str(pending["code"]), self._digest(code)):
            tries = int(pending.get("tries", 0)) + 1
            if tries >= EMAIL_TRIES:
                await self.redis.delete(key)
            else:
                ttl = max(1, int(await self.redis.ttl(key)))
                await self.redis.set(key, self._seal({**pending, "tries": tries}), ex=ttl)
            return Reply(text=t(lang, "email_code_wrong"))
        await self.redis.delete(key)
        address = str(pending["address"])
        user_key = email_key(address, self._secret)
        now = self.clock()
        await self.people.add_member(
            person,
            user_key,
            ChatRef(channel=Channel.EMAIL, chat_id=user_key),
            now,
            address=self.cipher.encrypt(address.encode()),
            language=lang,
            unsubscribe_nonce=secrets.token_urlsafe(12),
        )
        log.info("email.verified", user=person)
        summary = await self._summary(person, lang)
        return Reply(text=t(lang, "email_verified", address=_masked(address), channels=summary))

    async def _remove_email(self, person: str, lang: str) -> Reply:
        member = await self._member_on(person, Channel.EMAIL)
        if member is None:
            return Reply(text=t(lang, "email_none"))
        await self.people.remove(person, member.user_key, self.clock())
        return Reply(text=t(lang, "email_removed"))

    async def mailbox(self, user_key: str) -> Mailbox | None:
        """Where to mail a member (the e-mail channel's lookup); None once it is gone."""
        raw = await self.people.raw(user_key)
        if raw is None or raw.get("channel") != str(Channel.EMAIL) or not raw.get("address"):
            return None
        try:
            address = self.cipher.decrypt(raw["address"]).decode()
        except DecryptionFailed:
            return None
        nonce = raw.get("unsubscribe_nonce")
        url = (
            f"{self.public_url.rstrip('/')}/email/unsubscribe/"
            f"{sign_unsubscribe(user_key, nonce, self._secret)}"
            if nonce
            else None
        )
        return Mailbox(
            address=address,
            lang=str(raw.get("language") or "en"),
            unsubscribe_url=url,
            return_path=(
                verp_address(user_key, self.bounce_secret, self.bounce_domain)
                if self.bounce_domain
                else None
            ),
        )

    @property
    def bounce_secret(self) -> bytes:
        return self.cipher.derive_key("bounces")

    async def unsubscribe_lang(self, token: str) -> str:
        """The language of the address a token is for ("en" once it is gone, or forged)."""
        read = read_unsubscribe(token, self._secret)
        raw = await self.people.raw(read[0]) if read else None
        return str(raw.get("language") or "en") if raw else "en"

    def unsubscribe_token_valid(self, token: str) -> bool:
        """Signed by us (whether or not it was used since)."""
        return read_unsubscribe(token, self._secret) is not None

    async def unsubscribe(self, token: str) -> bool:
        """A click on the one-click link: the address is removed. False for a forged token or
        one used before (the address is gone, or it was added again with a new nonce)."""
        read = read_unsubscribe(token, self._secret)
        if read is None:
            return False
        user_key, nonce = read
        raw = await self.people.raw(user_key)
        stored = raw.get("unsubscribe_nonce") if raw else None
        if raw is None or not stored or not hmac.compare_digest(str(stored), nonce):
            return False
        person = str(raw.get("person") or user_key)
        removed = await self.people.remove(person, user_key, self.clock())
        log.info("email.unsubscribed", user=person, removed=removed)
        return removed

    async def forget_person(self, person: str, chat_keys: list[str]) -> None:
        """/delete: the codes and pending choices of this person and their chats."""
        keys = [self._key("issued", person), self._key("email-code", person),
                self._key("email-sends", person)]
        for chat in chat_keys:
            keys += [self._key("tries", chat), self._key("pending", chat)]
        issued = await self.redis.get(self._key("issued", person))
        if issued:
            keys.append(self._key("code", issued.decode()))
        await self.redis.delete(*keys)

    # --- helpers --------------------------------------------------------------------------

    async def _count(self, key: str) -> int:
        """One more attempt in the window that the first one opened (CODE_TTL_S)."""
        count = int(await self.redis.incr(key))
        if count == 1:
            await self.redis.expire(key, CODE_TTL_S)
        return count

    def _key(self, kind: str, value: str) -> str:
        digest = hmac.new(self._secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        return f"link:{kind}:{digest[:32]}"

    def _digest(self, code: str) -> str:
        return hmac.new(self._secret, code.encode(), hashlib.sha256).hexdigest()

    def _seal(self, payload: dict[str, Any]) -> bytes:
        """Encrypted, and stamped with the time: codes expire by the service's clock (Redis
        drops them a little later on its own)."""
        stamped = {"at": self.clock().timestamp(), **payload}
        return self.cipher.encrypt(json.dumps(stamped).encode())

    def _open(self, sealed: bytes | None) -> dict[str, Any] | None:
        """What ``_seal`` sealed, or None when it is missing, forged or older than the TTL."""
        if not sealed:
            return None
        try:
            value = json.loads(self.cipher.decrypt(sealed))
        except (DecryptionFailed, ValueError):
            return None
        if not isinstance(value, dict):
            return None
        age = self.clock().timestamp() - float(value.get("at", 0))
        return value if 0 <= age <= CODE_TTL_S else None


def _name(lang: str, member: Member) -> str:
    return _channel_name(lang, member.channel)


def _channel_name(lang: str, channel: Channel) -> str:
    return t(lang, f"channel_name_{channel}")


def _masked(address: str) -> str:
    """``a***@example.org``: enough for the user to recognise, not enough to read it off."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"
