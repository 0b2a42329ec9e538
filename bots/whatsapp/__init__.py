"""WhatsApp Cloud API adapter: webhook payload → InboundMessages, signatures, Reply → Graph API."""

from bots.whatsapp.inbound import WhatsAppBatch, WhatsAppStatus, WhatsAppStatusKind, to_inbound
from bots.whatsapp.signature import SignatureCheck, verify_handshake, verify_signature

__all__ = [
    "SignatureCheck",
    "WhatsAppBatch",
    "WhatsAppStatus",
    "WhatsAppStatusKind",
    "to_inbound",
    "verify_handshake",
    "verify_signature",
]
