"""Secrets kept in the database (an integration's app secret, a callback key) are sealed with a
key derived from ``SECRET_KEY`` (HKDF-SHA256 → Fernet: AES-128-CBC + HMAC-SHA256).

A database dump alone does not reveal them. Rotating ``SECRET_KEY`` makes them unreadable:
``secret_open`` then returns "" and the administrator enters them again (docs/admin/security.md).
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@functools.cache
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"hitsm", info=b"hitsm-stored-secrets"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def secret_seal(value: str) -> str:
    if not value:
        return ""
    return _fernet(settings.SECRET_KEY).encrypt(value.encode()).decode()


def secret_open(sealed: str) -> str:
    if not sealed:
        return ""
    try:
        return _fernet(settings.SECRET_KEY).decrypt(sealed.encode()).decode()
    except InvalidToken:
        return ""
