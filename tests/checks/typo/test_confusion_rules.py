"""The real-word confusion rules of checks/packs/typo.yml (在/再, 反映/反应, 作出/做出): each in its fixed
contexts only, and the right usage next to them left alone."""

from __future__ import annotations

import pytest

from govsite.compliance.context import checker_for
from govsite.compliance.run import check_snippet
from govsite.core.county import County


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    from tests.conftest import Repo

    return checker_for(County(Repo(tmp_path_factory.mktemp("confusion") / "site").root))


def typo_findings(checker, text):
    return [(f.rule, f.suggestion) for f in check_snippet(text + "\n", checker) if f.category == "typo"]


@pytest.mark.parametrize("text,rule,suggestion", [
    ("县政府常务会议在次研究了这一事项。", "typo.zai-zai", "再次"),
    ("各部门正再抓紧整改。", "typo.zai-zai", "正在"),
    ("再前期调研的基础上，形成了初步方案。", "typo.zai-zai", "在前期调研的基础上"),
    ("再这种情况下，应当先行处置。", "typo.zai-zai", "在这种情况下"),
    ("再县委的坚强领导下，脱贫攻坚取得决定性成就。", "typo.zai-zai", "在"),
    ("欢迎社会各界反应问题。", "typo.fanying", "反映"),
    ("居民反应集中的问题已全部办结。", "typo.fanying", "居民反映"),
    ("请及时向主管部门反应。", "typo.fanying", "向主管部门反映"),
    ("疫苗接种后的不良反映要及时上报。", "typo.fanying", "不良反应"),
    ("县政府做出决定，暂停该项目。", "typo.zuochu", "作出决定"),
    ("依法做出行政处罚。", "typo.zuochu", "作出行政处罚"),
    ("改革势再必行。", "typo.fixed-phrase", "势在必行"),
])
def test_a_real_word_slip_in_its_context_is_found(checker, text, rule, suggestion):
    assert (rule, suggestion) in typo_findings(checker, text)


@pytest.mark.parametrize("text", [
    "会议再次强调，要压实安全生产责任。",
    "在此基础上，县政府制定了实施方案。",
    "在县委的坚强领导下，全县经济持续向好。",
    "该工程在次年汛期前完工。",
    "部分区域存在次生灾害隐患。",
    "各村要统一在村务公开栏公示。",
    "真正再造一个新的产业园区。",
    "群众可以随时反映问题。",
    "据村民反映，该路段积水严重。",
    "出现不良反应情况的，及时送医。",
    "建立快速反应机制。",
    "县政府作出决定，暂停该项目。",
    "食堂做出了可口的饭菜。",
    "这份报告客观反映了全县经济运行情况。",
])
def test_the_right_usage_is_left_alone(checker, text):
    assert typo_findings(checker, text) == []
