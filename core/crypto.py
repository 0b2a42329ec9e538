"""PII at rest: MultiFernet, the first key encrypts, every key decrypts (key rotation)."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from core.errors import AppError


class DecryptionFailed(AppError):
    """The ciphertext was made with a key we no longer hold, or was tampered with."""


class Cipher:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one Fernet key is required")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        self._primary = keys[0].encode()

    @classmethod
    def development(cls, key_file: str) -> Cipher:
        """A key kept in the data folder, created on first use; development only."""
        from pathlib import Path

        path = Path(key_file)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(Fernet.generate_key())
            path.chmod(0o600)
        return cls([path.read_text().strip()])

    def derive_key(self, purpose: str) -> bytes:
        """A stable secret for one purpose (e.g. keyed hashes), derived from the primary key."""
        return hmac.new(self._primary, purpose.encode(), hashlib.sha256).digest()

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as exc:
            raise DecryptionFailed("cannot decrypt with the configured keys") from exc

    def encrypt_text(self, text: str | None) -> bytes | None:
        return None if text is None else self.encrypt(text.encode())

    def decrypt_text(self, token: bytes | None) -> str | None:
        return None if token is None else self.decrypt(token).decode()
