from tests.conftest import findings_for


def rules_of(findings):
    return [f.rule for f in findings if f.category in ("ad", "link")]


def test_external_domain_outside_allow_list_is_an_ad_error(repo):
    found = findings_for(repo, "详见[活动页面](https://shop.example.com/promo)。\n")
    f = next(f for f in found if f.rule == "ad.external-domain")
    assert f.severity == "error" and f.line == 5
    assert "shop.example.com" in f.message


def test_gov_cn_and_authoritative_media_are_allowed(repo):
    body = "见[通知](https://www.cq.gov.cn/zwgk/a.html)和 https://www.news.cn/politics/a.htm 。\n"
    assert rules_of(findings_for(repo, body)) == []


def test_shortener_is_flagged(repo):
    assert "ad.short-link" in rules_of(findings_for(repo, "扫描或访问 https://t.cn/A6abcd 查看。\n"))


def test_county_can_extend_allowed_domains(repo):
    (repo.root / "site_config" / "lists").mkdir()
    (repo.root / "site_config" / "lists" / "domains.yml").write_text("allowed_domains: [example.com]\n",
                                                                     encoding="utf-8")
    assert rules_of(findings_for(repo, "见[页面](https://shop.example.com/a)。\n")) == []


def test_internal_links_pages_anchors_and_attachments(repo):
    repo.page("town/tzgg/b.md", "## 办理流程\n\n内容。\n")
    (repo.root / "content/town/gzdt/files").mkdir(parents=True)
    (repo.root / "content/town/gzdt/files/table.csv").write_text("a,b\n", encoding="utf-8")
    body = ("见[通知](../tzgg/b.md)、[流程](../tzgg/b.md#办理流程)、[附件](files/table.csv)。\n"
            "另见[旧稿](../tzgg/gone.md)和[锚点](../tzgg/b.md#不存在)和[附件二](files/missing.xlsx)。\n")
    found = [f for f in findings_for(repo, body) if f.category == "link"]
    assert [(f.rule, f.line) for f in found] == [
        ("link.internal-missing", 6), ("link.internal-anchor", 6), ("link.internal-missing", 6)]
    assert "gone.md" in found[0].message


def test_links_inside_code_are_ignored(repo):
    assert rules_of(findings_for(repo, "`https://shop.example.com`\n\n```\n[x](missing.md)\n```\n")) == []


def test_links_that_leave_content_are_errors(repo):
    """Art. 16–17: only reviewed files in content/ may reach the portal."""
    (repo.root / "site_config" / "keys.yml").write_text("x: 1\n", encoding="utf-8")
    body = ("见[配置](../../../site_config/keys.yml)、[口令](../../../../../../../../etc/passwd)"
            "和[本栏目](../gzdt/a.md)。\n")
    found = [f for f in findings_for(repo, body) if f.category == "link"]
    assert [(f.rule, f.severity) for f in found] == [("link.outside-content", "error")] * 2
    assert "../../../site_config/keys.yml" in found[0].message and "files/" in found[0].message


def test_a_link_to_a_name_too_long_for_the_file_system_is_a_missing_target(repo):
    name = "长" * 200 + ".pdf"
    found = [f for f in findings_for(repo, f"见[附件](files/{name})和[稿件](../tzgg/{'a' * 300}.md)。\n")
             if f.category == "link"]
    assert [f.rule for f in found] == ["link.internal-missing"] * 2


def test_a_link_no_browser_can_open_is_reported_as_malformed_not_as_a_domain(repo):
    found = [f for f in findings_for(repo, "见[通知](http://[::1/a)和<http://a.gov.cn:端口/>。\n")
             if f.category in ("ad", "link")]
    assert [f.rule for f in found] == ["link.malformed", "link.malformed"]
    assert "http://[::1/a" in found[0].message and "重新复制" in found[0].message


def test_an_unclosed_fence_hides_nothing(repo):
    """The portal shows text after an unclosed ``` or ~~~ as text, with its links live: so do the checks."""
    for fence in ("```", "~~~"):
        found = [f.rule for f in findings_for(repo, f"{fence}\n见[x](http://[::1/a)和[y](gone.md)。\n")
                 if f.category == "link"]
        assert sorted(found) == ["link.internal-missing", "link.malformed"], fence
