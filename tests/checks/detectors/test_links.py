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


# -- addresses written as text (issue 19) -----------------------------------------------------------------
def test_a_shortened_address_written_as_text_is_a_short_link(repo):
    [f] = [f for f in findings_for(repo, "访问t.cn/A6x7yZ了解详情。\n") if f.category in ("ad", "link")]
    assert (f.rule, f.severity, f.line, f.column, f.end_column) == ("ad.short-link", "error", 5, 3, 14)


def test_an_unknown_domain_written_as_text_is_an_external_domain(repo):
    [f] = [f for f in findings_for(repo, "登录888bet.vip注册即送彩金。\n") if f.rule == "ad.external-domain"]
    assert "888bet.vip" in f.message


def test_text_that_only_looks_like_an_address_is_left_alone(repo):
    body = ("系统采用 ASP.NET 框架，附件为实施方案.pdf，版本 v1.2，邮箱 ws@cq.gov.cn，"
            "详见 www.gov.cn 和 [中国政府网](https://www.gov.cn/)。\n")
    assert rules_of(findings_for(repo, body)) == []


def test_a_real_link_is_reported_once_not_again_as_text(repo):
    found = [f for f in findings_for(repo, "详见 https://t.cn/A6abcd 。\n") if f.rule == "ad.short-link"]
    assert len(found) == 1


def test_a_wechat_article_is_no_advert(repo):
    found = findings_for(repo, "详见[原文](https://mp.weixin.qq.com/s/AbC)。\n")
    assert "ad.external-domain" not in rules_of(found)


def test_spam_with_a_contact_is_one_error_not_an_error_and_a_warning(repo):
    found = [f for f in findings_for(repo, "加微信 abc12345 办理代开发票，详询 QQ 123456789。\n") if f.category == "ad"]
    assert sorted((f.rule, f.severity) for f in found) == [("ad.contact-handle", "warning"),
                                                            ("ad.service-spam", "error")]
    assert next(f for f in found if f.rule == "ad.contact-handle").column > 20  # the QQ, not inside the spam
