"""Field-level encryption of personal data, with key ids so keys can rotate."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class KeyConfigError(ValueError):
    """The encryption key setting is malformed (or the process installed no keys)."""


@dataclass(frozen=True, slots=True)
class ProcessKeys:
    """The keys of this process: ``HUB_ENCRYPTION_KEYS`` and ``HUB_SECRET_KEY``."""

    encryption_keys: str
    secret_key: str


# Installed once by the process's edge (``use_keys``): the column types that encrypt and the
# blind index run inside SQLAlchemy and model hooks, where no argument can reach them.
_keys: ProcessKeys | None = None


def use_keys(encryption_keys: str, secret_key: str) -> None:
    """Encrypt, decrypt and index with these keys in this process from now on."""
    global _keys
    cipher_for(encryption_keys)  # a malformed key stops the edge that installs it
    _keys = ProcessKeys(encryption_keys, secret_key)


def _process_keys() -> ProcessKeys:
    if _keys is None:
        raise KeyConfigError("no encryption keys installed in this process (use_keys)")
    return _keys


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
    """The process cipher, from the keys its edge installed."""
    return cipher_for(_process_keys().encryption_keys)


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
    key = _index_key(_process_keys().secret_key, purpose)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
