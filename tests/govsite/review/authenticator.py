"""A software passkey authenticator for the gate's tests: what a phone or security key does (the world's part,
which cannot run here without a browser), per the WebAuthn spec: an ES256 credential, authenticator data
(RP id hash, flags, counter) and a signature over it and the client data's hash. The desk's end-to-end test
uses Chromium's own virtual authenticator instead."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from govsite.review import passkey

UP, UV = 0x01, 0x04


@dataclass
class Authenticator:
    rp_id: str = "localhost"
    credential_id: bytes = field(default_factory=lambda: os.urandom(32))
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    counter: int = 0

    @property
    def cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    @property
    def roster_key(self) -> str:
        return passkey.key_string(self.credential_id, self.cose_public_key)

    def make_assertion(self, challenge: bytes, origin: str, flags: int = UP | UV, rp_id: str | None = None,
                kind: str = "webauthn.get") -> tuple[bytes, bytes, bytes]:
        """(authenticatorData, clientDataJSON, signature) for ``challenge`` as a browser at ``origin`` asks."""
        self.counter += 1
        auth = hashlib.sha256((rp_id or self.rp_id).encode()).digest() + bytes([flags]) + struct.pack(">I", self.counter)
        client = json.dumps({"type": kind, "challenge": passkey.b64url(challenge), "origin": origin,
                             "crossOrigin": False}).encode()
        sig = self.key.sign(auth + hashlib.sha256(client).digest(), ec.ECDSA(hashes.SHA256()))
        return auth, client, sig

    def sign_record(self, record: str, when: dt.datetime, origin: str = "http://localhost:8765", **kw: object) -> str:
        """The approval commit message for ``record`` signed at ``when``."""
        full = passkey.record_with_time(record, when)
        auth, client, sig = self.make_assertion(passkey.challenge(full), origin, **kw)  # type: ignore[arg-type]
        return passkey.signed_message(full, self.roster_key, auth, client, sig)
