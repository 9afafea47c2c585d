"""Signature checks by git itself, in one process: ``git log --no-walk --stdin --format=%H %G? %GF``.

Slower than :mod:`govsite.review.sshsig` (git runs ``ssh-keygen`` per commit) but uses nothing but git
and an allowed-signers file generated from every roster version involved; ``govsite verify
--git-signatures`` selects it so that anyone can re-check the gate with git alone.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from govsite.core.units import Unit
from govsite.review import sshsig
from govsite.git.commits import signature_codes
from govsite.review.signers import allowed_signers


def git_signature_checks(root: Path, shas: list[str], units: Iterable[Unit]) -> dict[str, sshsig.SignatureCheck | None]:
    """Commit → check. ``G`` (good, key allowed now) and ``U`` (good signature, key not allowed at that
    time or unknown) are cryptographically good: the roster rules then decide; ``B``/``E``/… are bad;
    ``N`` is unsigned (``None``)."""
    units = list(units)
    by_fingerprint = {sshsig.fingerprint(k.key_type_and_body): k.key_type_and_body
                      for u in units for p in u.people for k in p.keys}
    results: dict[str, sshsig.SignatureCheck | None] = {}
    if not shas:
        return results
    with tempfile.NamedTemporaryFile("w", suffix=".allowed_signers", delete=False, encoding="utf-8") as f:
        f.write(allowed_signers(units) or "# empty\n")
        allowed = f.name
    try:
        out = signature_codes(root, shas, Path(allowed))
    finally:
        Path(allowed).unlink(missing_ok=True)
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        sha, code = parts[0], parts[1]
        fp = parts[2] if len(parts) > 2 else ""
        if code == "N":
            results[sha] = None
        elif code in ("G", "U"):
            results[sha] = sshsig.SignatureCheck(True, by_fingerprint.get(fp, ""), fingerprint=fp)
        else:
            results[sha] = sshsig.SignatureCheck(False, by_fingerprint.get(fp, ""), f"git:{code}", fingerprint=fp)
    return results
