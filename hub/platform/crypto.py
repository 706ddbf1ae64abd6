"""Field-level encryption of personal data, with key ids so keys can rotate."""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from config.settings import get_settings


class KeyConfigError(ValueError):
    """The encryption key setting is malformed."""


class Cipher:
    """Encrypts with the first (primary) key; decrypts with whichever key id a value names."""

    def __init__(self, spec: str) -> None:
        self._keys: dict[str, Fernet] = {}
        self.primary_id = ""
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            key_id, sep, key = part.partition(":")
            if not sep or not key_id or not key:
                raise KeyConfigError("each encryption key is written as KEY_ID:BASE64_KEY")
            try:
                self._keys[key_id] = Fernet(key.encode())
            except ValueError as exc:
                raise KeyConfigError(
                    f"key {key_id!r} is not a 32-byte url-safe base64 key"
                ) from exc
            self.primary_id = self.primary_id or key_id
        if not self._keys:
            raise KeyConfigError("at least one encryption key is needed")

    def encrypt(self, plaintext: bytes) -> str:
        token = self._keys[self.primary_id].encrypt(plaintext).decode()
        return f"{self.primary_id}:{token}"

    def decrypt(self, value: str) -> bytes:
        key_id, _, token = value.partition(":")
        fernet = self._keys.get(key_id)
        if fernet is None:
            raise KeyConfigError(f"no key with id {key_id!r} is configured")
        try:
            return fernet.decrypt(token.encode())
        except InvalidToken as exc:
            raise KeyConfigError(f"value does not decrypt with key {key_id!r}") from exc

    def encrypt_json(self, value: Any) -> str:
        return self.encrypt(json.dumps(value, separators=(",", ":"), sort_keys=True).encode())

    def decrypt_json(self, value: str) -> Any:
        return json.loads(self.decrypt(value))


@lru_cache(maxsize=4)
def cipher_for(spec: str) -> Cipher:
    """A cached cipher for a key specification."""
    return Cipher(spec)


def get_cipher() -> Cipher:
    """The process cipher, from settings."""
    return cipher_for(get_settings().encryption_keys)


@lru_cache(maxsize=8)
def _index_key(secret: str, purpose: str) -> bytes:
    # One key per purpose, so an index of one kind of value cannot be matched against another.
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"hub blind index: {purpose}".encode()
    ).derive(secret.encode())


def blind_index(purpose: str, value: str) -> str:
    """A keyed HMAC-SHA256 of ``value`` (hex), to find and keep unique an encrypted value.

    The key is derived from ``HUB_SECRET_KEY`` (not the encryption keys, which rotate): the
    same value always gives the same index, and without the secret the index cannot be
    recomputed from a guessed value. Callers normalise ``value`` first.
    """
    key = _index_key(get_settings().secret_key, purpose)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
