"""Re-engagement outside the 24-hour window: the approved template that asks a user back."""

from __future__ import annotations

from bots.whatsapp.sender import WhatsAppSender
from core.channels import REENGAGE_PAYLOAD
from core.settings import WhatsAppSettings


class WhatsAppTemplates:
    """TemplateSender for WhatsApp: the template named in settings for what waits (a digest, or
    alerts), in the user's language, with the count as its body parameter and a quick-reply
    button whose payload releases what waited (``REENGAGE_PAYLOAD``)."""

    def __init__(self, sender: WhatsAppSender, settings: WhatsAppSettings) -> None:
        self._sender = sender
        self._settings = settings

    async def send_template(
        self, chat_id: str, *, kind: str, waiting: int, lang: str
    ) -> list[str]:
        settings = self._settings
        name = settings.digest_template if kind == "digest" else settings.alert_template
        languages = settings.template_languages
        language = languages.get(lang) or languages.get("en") or "en"
        return await self._sender.send_template(
            chat_id, name, language, [str(max(1, waiting))], REENGAGE_PAYLOAD
        )
