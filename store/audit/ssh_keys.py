"""SSH public keys as a user pastes them (``ssh-ed25519 AAAA... comment``): checked, and
fingerprinted the way OpenSSH prints them (``SHA256:`` + unpadded base64 of the key's SHA-256).

Pure: no database, no files.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from dataclasses import dataclass

KEY_TYPES = (
    "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
)
MAX_KEY_TEXT = 16_384  # an RSA-16384 key is under 3 KB of base64
MAX_COMMENT = 200
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


class BadKey(ValueError):
    """A public key refused, in one sentence."""


@dataclass(frozen=True)
class PublicKey:
    type: str
    key: str       # the base64 blob as given
    comment: str

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256(base64.b64decode(self.key)).digest()
        return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")

    def line(self) -> str:
        """``type key comment`` as in an authorized_keys file."""
        return f"{self.type} {self.key} {self.comment}".rstrip()


def parse_key(text: str) -> PublicKey:
    """A public key from ``type base64 [comment]``; refuses anything else in one sentence."""
    text = (text or "").strip()
    if not text:
        raise BadKey("the SSH key is empty: paste the public key (the .pub file's line)")
    if len(text) > MAX_KEY_TEXT or "\n" in text or "\r" in text:
        raise BadKey("the SSH key must be one line: the public key (the .pub file's line)")
    if "PRIVATE KEY" in text:
        raise BadKey("that is a private key: give the public key (the .pub file) instead")
    parts = text.split(None, 2)
    kind = parts[0]
    if kind not in KEY_TYPES:
        hint = ("; options such as command= are written by DentLedger itself"
                if "=" in kind or '"' in kind else "")
        raise BadKey(f"the SSH key type {_shown(kind)} is not one of {', '.join(KEY_TYPES)}"
                        + hint)
    if len(parts) < 2:
        raise BadKey(f"the {kind} key has no key data after its type")
    blob = parts[1]
    decoded = _decode(blob, kind)
    if _blob_type(decoded) != kind:
        raise BadKey(f"the key data is not a {kind} key (it says "
                        f"{_shown(_blob_type(decoded) or '?')})")
    comment = parts[2].strip() if len(parts) > 2 else ""
    if len(comment) > MAX_COMMENT:
        raise BadKey(f"the key's comment is longer than {MAX_COMMENT} characters")
    if any(not ch.isprintable() for ch in comment):
        raise BadKey("the key's comment contains control characters")
    return PublicKey(kind, blob, comment)


def _decode(blob: str, kind: str) -> bytes:
    if len(blob) % 4 or not _BASE64.fullmatch(blob):
        raise BadKey(f"the {kind} key data is not valid base64")
    try:
        return base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError):
        raise BadKey(f"the {kind} key data is not valid base64") from None


def _blob_type(blob: bytes) -> str | None:
    """The key type written at the start of the key data (a length-prefixed string)."""
    if len(blob) < 4:
        return None
    (size,) = struct.unpack(">I", blob[:4])
    if size > 64 or len(blob) < 4 + size:
        return None
    try:
        return blob[4:4 + size].decode("ascii")
    except UnicodeDecodeError:
        return None


def _shown(text: str) -> str:
    return repr("".join(ch if ch.isprintable() else "?" for ch in text)[:40])
