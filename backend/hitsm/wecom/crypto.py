"""WeCom's callback message crypto (企业微信回调加解密), written from the published protocol.

- Signature: SHA-1 of the lexicographically sorted token, timestamp, nonce and ciphertext,
  compared in constant time.
- Cipher: AES-256-CBC, key = base64decode(EncodingAESKey + "="), IV = key[:16], PKCS#7 padding
  to a **32**-byte block (not AES's 16), plaintext = random16 ‖ len(msg) as 4 bytes big-endian ‖
  msg ‖ receive id (the corp id for a self-built app).

Both directions are here: decrypting is what the callback does, encrypting is what a passive
reply and our fake WeCom server do.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class CryptoError(Exception):
    """A callback that is not WeCom's: bad signature, key, padding or receive id."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    parts = sorted([token, timestamp, nonce, encrypted])
    return hashlib.sha1("".join(parts).encode(), usedforsecurity=False).hexdigest()


def _key(encoding_aes_key: str) -> bytes:
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CryptoError("wecom.bad_key", "EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise CryptoError("wecom.bad_key", "EncodingAESKey must be 43 characters (32 bytes)")
    return key


@dataclass(frozen=True)
class MessageCrypto:
    token: str
    encoding_aes_key: str
    receive_id: str

    def verify(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        expected = signature(self.token, timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected.encode(), (msg_signature or "").encode()):
            raise CryptoError("wecom.bad_signature", "msg_signature does not match")

    def decrypt(self, encrypted: str) -> bytes:
        key = _key(self.encoding_aes_key)
        try:
            data = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CryptoError("wecom.bad_ciphertext", "ciphertext is not base64") from exc
        if not data or len(data) % 16:
            raise CryptoError("wecom.bad_ciphertext", "ciphertext length is not a block multiple")
        decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise CryptoError("wecom.bad_padding", "bad PKCS#7 padding")
        plain = plain[:-pad]
        if len(plain) < 20:
            raise CryptoError("wecom.bad_ciphertext", "plaintext too short")
        (length,) = struct.unpack(">I", plain[16:20])
        message, receive_id = plain[20 : 20 + length], plain[20 + length :]
        if len(message) != length:
            raise CryptoError("wecom.bad_ciphertext", "declared length exceeds the plaintext")
        if not hmac.compare_digest(receive_id, self.receive_id.encode()):
            raise CryptoError("wecom.bad_receive_id", "receive id does not match the corp id")
        return message

    def encrypt(self, message: bytes, *, random16: bytes | None = None) -> str:
        key = _key(self.encoding_aes_key)
        body = (
            (random16 or os.urandom(16))
            + struct.pack(">I", len(message))
            + message
            + self.receive_id.encode()
        )
        pad = BLOCK - len(body) % BLOCK
        body += bytes([pad]) * pad
        encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
        return base64.b64encode(encryptor.update(body) + encryptor.finalize()).decode()

    def seal(self, message: bytes, *, timestamp: str, nonce: str) -> tuple[str, str]:
        """Encrypt and sign: (Encrypt, msg_signature) as WeCom sends them."""
        encrypted = self.encrypt(message)
        return encrypted, signature(self.token, timestamp, nonce, encrypted)
