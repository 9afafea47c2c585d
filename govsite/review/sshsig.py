"""In-process verification of SSH signatures (``SSHSIG``, the format ``git -c gpg.format=ssh`` writes).

Git verifies a commit by running ``ssh-keygen`` twice per commit; for tens of thousands of approvals
that is minutes. This module checks the same bytes with the same algorithm (Ed25519 over
``SSHSIG || namespace || reserved || hash || H(payload)``) in-process; the tests cross-check it with
``git verify-commit``/``%G?`` on good, tampered, unknown-key and out-of-window signatures.
Other key types fall back to ``ssh-keygen -Y check-novalidate``.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"SSHSIG"


class BadSignature(Exception):
    """The signature is malformed or does not match the payload."""


@dataclass(frozen=True)
class SignatureCheck:
    """Outcome: ``key`` is ``"<type> <base64>"`` of the signing key when the signature is good."""

    good: bool
    key: str = ""
    problem: str = ""
    fingerprint: str = ""

    @property
    def key_fingerprint(self) -> str:
        return self.fingerprint or (fingerprint(self.key) if self.key else "未知")


def _read_string(buf: bytes, pos: int) -> tuple[bytes, int]:
    if pos + 4 > len(buf):
        raise BadSignature("truncated")
    (length,) = struct.unpack(">I", buf[pos:pos + 4])
    end = pos + 4 + length
    if end > len(buf):
        raise BadSignature("truncated")
    return buf[pos + 4:end], end


def _dearmor(armored: bytes) -> bytes:
    lines = [ln.strip() for ln in armored.strip().splitlines()]
    if not lines or lines[0] != b"-----BEGIN SSH SIGNATURE-----" or lines[-1] != b"-----END SSH SIGNATURE-----":
        raise BadSignature("not an SSH signature")
    return base64.b64decode(b"".join(lines[1:-1]), validate=False)


def fingerprint(key: str) -> str:
    """``SHA256:…`` fingerprint of an OpenSSH public key line, as git's ``%GF`` prints it."""
    blob = base64.b64decode(key.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def check(armored: bytes, payload: bytes, namespace: bytes = b"git") -> SignatureCheck:
    """Verify an armored SSH signature over ``payload``."""
    try:
        blob = _dearmor(armored)
        if blob[:6] != MAGIC:
            raise BadSignature("bad magic")
        pos = 10  # magic + uint32 version
        pubkey, pos = _read_string(blob, pos)
        ns, pos = _read_string(blob, pos)
        reserved, pos = _read_string(blob, pos)
        hash_alg, pos = _read_string(blob, pos)
        sig, pos = _read_string(blob, pos)
        key_type, kpos = _read_string(pubkey, 0)
        key_line = f"{key_type.decode()} {base64.b64encode(pubkey).decode()}"
        if ns != namespace:
            return SignatureCheck(False, key_line, "namespace")
        if hash_alg not in (b"sha512", b"sha256"):
            return SignatureCheck(False, key_line, "hash")
        digest = hashlib.new(hash_alg.decode(), payload).digest()
        signed = MAGIC + b"".join(struct.pack(">I", len(x)) + x for x in (ns, reserved, hash_alg, digest))
        if key_type == b"ssh-ed25519":
            raw_key, _ = _read_string(pubkey, kpos)
            sig_type, spos = _read_string(sig, 0)
            raw_sig, _ = _read_string(sig, spos)
            if sig_type != b"ssh-ed25519" or len(raw_key) != 32 or len(raw_sig) != 64:
                return SignatureCheck(False, key_line, "type")
            good = _ed25519_verify(raw_key, raw_sig, signed)
            return SignatureCheck(good, key_line, "" if good else "mismatch")
        return _check_with_ssh_keygen(armored, payload, key_line, namespace)
    except (BadSignature, ValueError, struct.error) as exc:
        return SignatureCheck(False, "", f"malformed: {exc}")


def _ed25519_verify(key: bytes, sig: bytes, message: bytes) -> bool:
    """Ed25519 verification: libsodium (PyNaCl) when installed — about twice as fast — else OpenSSL."""
    try:
        from nacl.bindings import crypto_sign_open  # noqa: PLC0415
        from nacl.exceptions import BadSignatureError  # noqa: PLC0415
    except ImportError:
        from cryptography.exceptions import InvalidSignature  # noqa: PLC0415
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # noqa: PLC0415

        try:
            Ed25519PublicKey.from_public_bytes(key).verify(sig, message)
        except InvalidSignature:
            return False
        return True
    try:
        crypto_sign_open(sig + message, key)
    except BadSignatureError:
        return False
    return True


def _check_with_ssh_keygen(armored: bytes, payload: bytes, key_line: str, namespace: bytes) -> SignatureCheck:
    with tempfile.TemporaryDirectory() as tmp:
        sig = Path(tmp) / "sig"
        sig.write_bytes(armored)
        proc = subprocess.run(["ssh-keygen", "-Y", "check-novalidate", "-n", namespace.decode(), "-s", str(sig)],
                              input=payload, capture_output=True, check=False)
    return SignatureCheck(proc.returncode == 0, key_line, "" if proc.returncode == 0 else "mismatch")
