"""Writing a passkey into a unit file (登记通行密钥): the person's entry gains the key, nothing else changes."""

from __future__ import annotations

import datetime as dt

import pytest

from govsite.core.errors import GovsiteError
from govsite.core.units import parse_unit
from govsite.desk.decisions import add_key
from tests.govsite.review.authenticator import Authenticator

UNIT = """\
id: dachang
name: 巫山县大昌镇人民政府
kind: township
# 人员名单由党政办维护
people:
  - name: 李明
    email: liming@dachang.gov.cn
    roles: [editor]
    keys:
      - key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOU6bVtE2gXVg8183KEXJTpIT7ZNVhjSKfpcZQd1QnVR liming
        valid_from: 2026-10-01
        valid_until: 2026-12-31

  - name: 张科
    email: zhangke@dachang.gov.cn
    roles: [section_head]
"""
KEY = Authenticator().roster_key
START, END = dt.date(2026, 12, 7), dt.date(2027, 3, 7)


@pytest.mark.parametrize("email", ["liming@dachang.gov.cn", "zhangke@dachang.gov.cn"])
def test_the_key_goes_into_that_persons_entry_only(email):
    new = add_key(UNIT, email, KEY, START, END)
    unit, _problems = parse_unit(new, "units/dachang.yml", "dachang")
    holders = [p.email for p in unit.people for k in p.keys if k.key_type_and_body == KEY]
    assert holders == [email]
    mine = next(p for p in unit.people if p.email == email)
    assert [(k.valid_from, k.valid_until) for k in mine.keys if k.key_type_and_body == KEY] == [(START, END)]
    assert "# 人员名单由党政办维护" in new
    removed = [line for line in UNIT.splitlines() if line not in new.splitlines()]
    assert removed == []


def test_someone_not_in_the_roster_is_refused():
    with pytest.raises(GovsiteError, match="找不到"):
        add_key(UNIT, "stranger@example.com", KEY, START, END)
