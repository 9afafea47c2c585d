"""Writing in the desk (写稿): the form's fields make the page file and come back from it; the live checks
say where a finding is (a field or a line of the body); a fix is the check's own suggestion; submission is
refused, in Chinese, to someone who is not the unit's editor and while an error stands."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsite.core.errors import GovsiteError
from govsite.desk import drafting
from govsite.desk.config import DeskConfig
from govsite.desk.drafting import Draft, compose, decompose
from govsite.desk.workspace import Workspace
from tests.govsite.review.test_passkey import make

line = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30).map(str.strip)


@settings(max_examples=150, deadline=None)
@given(title=line.filter(bool), doc=line, category=line, major=st.booleans(), source=line, repost=line,
       body=st.lists(line, max_size=5).map("\n\n".join))
def test_the_fields_come_back_from_the_page_file(title, doc, category, major, source, repost, body):
    draft = Draft(unit="dachang", column="gzdt", name="x", title=title, formed="2026-12-07", doc_number=doc,
                  category=category, major=major, source=source, repost_from=repost, body=body.strip())
    back = decompose(compose(draft), draft)
    assert (back.title, back.doc_number, back.category, back.major, back.source, back.repost_from, back.body) == (
        title, doc, category, major, source, repost, body.strip())
    assert back.formed == "2026-12-07"


def test_malformed_form_data_is_a_chinese_error():
    with pytest.raises(GovsiteError, match="格式错误"):
        Draft.from_data(["not", "a", "mapping"])
    with pytest.raises(GovsiteError, match="正文超过"):
        Draft.from_data({"body": "字" * (drafting.MAX_BODY + 1)})


@pytest.fixture()
def ws(tmp_path, keys):
    county = make(tmp_path / "county", keys)
    county.git("checkout", "-q", "main")
    return Workspace(DeskConfig(root=county.root, state=tmp_path / "state"))


def test_findings_say_where_they_are_and_a_fix_applies_the_suggestion(ws):
    draft = Draft(unit="dachang", column="gzdt", name="2026-12-07-fanghuo", title="大昌镇召开森林防火会议",
                  formed="2026-12-07", doc_number="大昌府发[2026]15号", body="第一段。\n\n各村要再接再励，守住底线。")
    shown = drafting.check(ws, draft)
    typo = next(s for s in shown if s.text == "再接再励")
    assert (typo.where, typo.line, typo.suggestion) == ("body", 3, "再接再厉")
    assert any(s.where == "doc_number" for s in shown), shown  # the 文号 goes through the checks too
    fixed = drafting.fix(ws, draft, typo.index)
    assert "再接再厉" in fixed.body and "再接再励" not in fixed.body and fixed.title == draft.title
    with pytest.raises(GovsiteError, match="没有可自动修正"):
        drafting.fix(ws, draft, 999)


def test_only_the_units_editor_submits_with_a_safe_file_name(ws):
    draft = Draft(unit="dachang", column="gzdt", name="2026-12-07-fanghuo", title="大昌镇召开森林防火会议",
                  formed="2026-12-07", body="大昌镇召开森林防火会议。")
    with pytest.raises(GovsiteError, match="不是单位“dachang”的信息员"):
        drafting.submit(ws, "zhangke@dachang.gov.cn", draft)  # the section head, not an editor
    with pytest.raises(GovsiteError, match="文件名只能用"):
        drafting.submit(ws, "liming@dachang.gov.cn", Draft(**{**draft.to_data(), "name": "../../units/x"}))
    assert [p.column for p in drafting.places(ws, "liming@dachang.gov.cn")] == ["gzdt"]


def test_a_column_says_when_it_is_next_due(ws):
    """Art. 23: the gzdt column (weekly) is due 7 days after its newest page first appeared on the target."""
    import datetime as dt

    county_root = ws.root
    (county_root / "content" / "dachang" / "gzdt").mkdir(parents=True)
    (county_root / "content" / "dachang" / "gzdt" / "a.md").write_text("---\ntitle: 甲\nformed: 2026-11-01\n---\n甲。\n",
                                                                     encoding="utf-8")
    import subprocess

    env = {"GIT_AUTHOR_DATE": "2026-11-02T10:00:00+08:00", "GIT_COMMITTER_DATE": "2026-11-02T10:00:00+08:00",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x",
           "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(county_root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(county_root), "commit", "-q", "--no-verify", "--no-gpg-sign", "-m", "稿件"],
                   check=True, env=env)
    [place] = drafting.places(ws, "liming@dachang.gov.cn")
    assert place.due == dt.date(2026, 11, 9)
    # the inbox reminds the editor of it from a week before, and after it is overdue
    assert drafting.due_soon(ws, "liming@dachang.gov.cn", dt.date(2026, 11, 1)) == []
    assert drafting.due_soon(ws, "liming@dachang.gov.cn", dt.date(2026, 11, 2)) == [place]
    assert drafting.due_soon(ws, "liming@dachang.gov.cn", dt.date(2026, 12, 7)) == [place]


def test_an_error_is_exempted_with_a_reason_the_section_head_must_accept(ws):
    """Art. 16–17: an exemption needs a reason, and its tier must accept it; the draft then may be submitted."""
    draft = Draft(unit="dachang", column="gzdt", name="2026-12-07-rexian", title="大昌镇便民服务热线",
                  formed="2026-12-07", body="第一段。\n\n服务热线：13812345678。\n\n| 事项 | 电话 |\n|---|---|\n"
                                            "| 咨询 | 13912345678 |")
    shown = drafting.check(ws, draft)
    phone = next(s for s in shown if s.text == "13812345678")
    assert phone.severity == "error" and not phone.exempt
    assert phone.basis.startswith("依据《管理办法》第三十九条")  # the article behind the rule, shown with it
    with pytest.raises(GovsiteError, match="须写明理由"):
        drafting.exempt(ws, draft, phone.index, "  ")
    done = drafting.exempt(ws, draft, phone.index, "单位对外公布的服务热线")
    assert "服务热线：13812345678。 <!-- govsite: allow privacy.mobile 单位对外公布的服务热线 -->" in done.body
    again = next(s for s in drafting.check(ws, done) if s.text == "13812345678")
    assert again.exempt == "单位对外公布的服务热线"
    assert again.needs == "提交后须经科室负责人（二审）和分管负责人（三审）认可。"  # privacy: Art. 16(1)
    cell = next(s for s in drafting.check(ws, done) if s.text == "13912345678")
    table = drafting.exempt(ws, done, cell.index, "单位对外公布的咨询电话")
    assert "| 咨询 | 13912345678 <!-- govsite: allow privacy.mobile 单位对外公布的咨询电话 --> |" in table.body
    assert all(s.exempt for s in drafting.check(ws, table) if s.rule == "privacy.mobile")


def test_a_field_is_exempted_beside_its_line_and_the_exemption_survives_the_page_file(ws):
    draft = Draft(unit="dachang", column="gzdt", name="2026-12-07-x", title="咨询电话13812345678",
                  formed="2026-12-07", body="正文。")
    phone = next(s for s in drafting.check(ws, draft) if s.rule == "privacy.mobile")
    assert phone.where == "title"
    done = drafting.exempt(ws, draft, phone.index, "经核实为公开电话")
    assert done.allow == {"title": ["privacy.mobile 经核实为公开电话"]}
    text = compose(done)
    assert "title: 咨询电话13812345678 # <!-- govsite: allow privacy.mobile 经核实为公开电话 -->" in text
    assert decompose(text, done).allow == done.allow and decompose(text, done).title == "咨询电话13812345678"
    assert next(s for s in drafting.check(ws, done) if s.rule == "privacy.mobile").exempt == "经核实为公开电话"


def test_a_policy_documents_validity_its_interpretation_and_other_fields_survive_an_edit():
    """Opening a published page to correct it loses nothing of its front matter: 效力状态, 解读的文件, and the
    fields the form has no place for (doc_type, summary)."""
    page = ("---\ntitle: 关于促进民间投资的若干措施\nformed: 2026-03-16\ndoc_number: 巫山府办发〔2026〕5号\n"
            "doc_type: 行政规范性文件\nsummary: 十条措施\nvalidity:\n  status: 已废止\n  date: 2026-10-22\n"
            "  by: 巫山府发〔2026〕15号\ndisclosure: 主动公开\n---\n正文。\n")
    like = Draft(unit="office", column="zcwj", name="2026-03-16-minqi-fazhan")
    draft = decompose(page, like)
    assert (draft.validity, draft.validity_date, draft.validity_by) == ("已废止", "2026-10-22", "巫山府发〔2026〕15号")
    assert draft.extra == {"doc_type": "行政规范性文件", "summary": "十条措施"}
    again = compose(Draft.from_data(draft.to_data()))  # through the browser's JSON and back
    import yaml

    front = yaml.safe_load(again.split("---\n")[1])
    assert front["validity"] == {"status": "已废止", "date": __import__("datetime").date(2026, 10, 22),
                                 "by": "巫山府发〔2026〕15号"}
    assert front["doc_type"] == "行政规范性文件" and front["summary"] == "十条措施"
    plain = decompose("---\ntitle: 解读\ninterprets: 巫山府发〔2026〕9号\nvalidity: 有效\n---\n正文。\n", like)
    assert (plain.interprets, plain.validity) == ("巫山府发〔2026〕9号", "有效")
    assert "validity: 有效\n" in compose(plain) and "interprets: 巫山府发〔2026〕9号\n" in compose(plain)
