"""Git's allowed-signers file (允许的签名者) generated from the roster (人员名单).

One line per key: ``email namespaces="git",valid-after="YYYYMMDD",valid-before="YYYYMMDD" ssh-ed25519 AAAA…``.
``valid-before`` is exclusive, so it is the day after ``valid_until``; a departed person's keys end on
the day they left (Art. 37), and windows longer than 3 months never reach this file (Art. 38).
ssh-keygen reads the dates in the verifying machine's local time: run CI with ``TZ=Asia/Shanghai``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from govsite.core.units import Person, SigningKey, Unit


def _day(d: dt.date) -> str:
    return d.strftime("%Y%m%d")


def signer_line(person: Person, key: SigningKey) -> str:
    end = key.valid_until
    if person.left is not None and person.left < end:
        end = person.left
    return (f'{person.email} namespaces="git",valid-after="{_day(key.valid_from)}",'
            f'valid-before="{_day(end + dt.timedelta(days=1))}" {key.key_type_and_body}')


def allowed_signers(units: Iterable[Unit]) -> str:
    """The file text for every key of every person in ``units`` (duplicates dropped, sorted)."""
    # passkeys (webauthn …) sign in the desk, not through git: git's file lists SSH keys only
    lines = {signer_line(p, k) for u in units for p in u.people for k in p.keys
             if p.email and not k.key.startswith("webauthn ")}
    return "".join(f"{line}\n" for line in sorted(lines))
