"""WhatsApp Cloud API adapter: webhook payload → InboundMessages, signatures, Reply → Graph API."""

from bots.whatsapp.inbound import WhatsAppBatch, WhatsAppStatus, WhatsAppStatusKind, to_inbound
from bots.whatsapp.render import OutgoingMessage, Rendered, render, template_message
from bots.whatsapp.sender import WhatsAppFiles, WhatsAppSender, build_client, graph_error
from bots.whatsapp.signature import SignatureCheck, verify_handshake, verify_signature

__all__ = [
    "OutgoingMessage",
    "Rendered",
    "SignatureCheck",
    "WhatsAppBatch",
    "WhatsAppFiles",
    "WhatsAppSender",
    "WhatsAppStatus",
    "WhatsAppStatusKind",
    "build_client",
    "graph_error",
    "render",
    "template_message",
    "to_inbound",
    "verify_handshake",
    "verify_signature",
]
