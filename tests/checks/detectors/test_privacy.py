from checks.detectors.privacy import id_checksum_ok, luhn_ok, valid_id_number
from tests.conftest import findings_for


def _id(prefix17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return prefix17 + "10X98765432"[sum(int(d) * w for d, w in zip(prefix17, weights)) % 11]


VALID_ID = _id("50023719850612123")


def _luhn(prefix: str) -> str:
    for d in "0123456789":
        if luhn_ok(prefix + d):
            return prefix + d
    raise AssertionError


CARD = _luhn("622202100011223344")


def test_id_number_validation():
    assert valid_id_number(VALID_ID) and id_checksum_ok(VALID_ID)
    wrong_check = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
    assert not valid_id_number(wrong_check)
    assert not valid_id_number(_id("50023719851312123"))  # month 13
    assert not valid_id_number(_id("99023719850612123"))  # no such province


def test_id_number_in_text_is_an_error_with_masked_suggestion(repo):
    found = [f for f in findings_for(repo, f"申请人身份证号：{VALID_ID}。\n") if f.category == "privacy"]
    assert [f.rule for f in found] == ["privacy.id-number"]
    assert found[0].severity == "error" and found[0].line == 5
    assert found[0].suggestion == VALID_ID[:6] + "********" + VALID_ID[14:]


def test_masked_id_and_random_digits_are_fine(repo):
    body = "身份证号5002371985****1234。统计编码123456789012345678。\n"
    assert not [f for f in findings_for(repo, body) if f.category == "privacy"]


def test_mobile_and_bank_card(repo):
    found = {f.rule for f in findings_for(repo, f"联系人手机13912345678，银行卡号{CARD}。\n")}
    assert {"privacy.mobile", "privacy.bank-card"} <= found


def test_units_own_published_number_is_fine(repo):
    text = repo.unit("town").read_text(encoding="utf-8").replace("023-57681234", "13912345678")
    repo.unit("town", text)
    assert not [f for f in findings_for(repo, "咨询电话：13912345678。\n") if f.category == "privacy"]


def test_passport(repo):
    assert any(f.rule == "privacy.passport" for f in findings_for(repo, "护照号码E12345678。\n"))


def test_private_numbers_are_found_wherever_the_published_page_carries_them(repo):
    """Code spans, tel: links, attributes and the printed front-matter fields reach the site too (Art. 39)."""
    from tests.conftest import findings_for

    front = "title: 通知\nformed: 2026-11-20\nsummary: 联系人手机13812345671\nsource: 镇政府13912345672\n"
    body = ("代码中的 `13712345673` 号码。\n\n[致电](tel:13612345674)\n\n"
            "<span title=\"13512345675\">悬停</span>\n")
    found = {f.line for f in findings_for(repo, body, front) if f.rule == "privacy.mobile"}
    assert found == {4, 5, 7, 9, 11}, found


def test_emphasis_or_letters_touching_a_number_do_not_hide_it(repo):
    """Found by fuzzing the build: a bold ID number, or one after letters, was shown on the page unchecked."""
    body = f"**{VALID_ID}**\n\n编号abc{VALID_ID}\n\n联系**13812345678**\n\n卡号**{CARD}**\n"
    found = [f.rule for f in findings_for(repo, body) if f.category == "privacy"]
    assert found == ["privacy.id-number", "privacy.id-number", "privacy.mobile", "privacy.bank-card"]


def test_a_mistyped_id_number_is_a_warning_of_its_own(repo):
    """Valid region and birth date, wrong check character: still someone's ID (issue 19)."""
    wrong = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
    found = [f for f in findings_for(repo, f"申请人身份证号：{wrong}。\n") if f.category == "privacy"]
    assert [(f.rule, f.severity) for f in found] == [("privacy.id-number-checksum", "warning")]
    assert found[0].suggestion == wrong[:6] + "********" + wrong[14:]
    # no such region, no such day, or a masked number: nothing
    for text in (_id("99023719850612123")[:17] + "0", "50023719851312123" + "0", "5002371985****1230"):
        assert not [f for f in findings_for(repo, f"编号{text}。\n") if f.category == "privacy"], text


def test_home_addresses_finer_than_the_township(repo):
    body = ("申请人住址：大昌镇白坪村3组12号。\n\n家住锦绣花园小区3栋2单元501室。\n\n"
            "工作组到白坪村3组走访。\n\n办理地点：县政务服务中心A座301室。\n\n通知文号大昌府发〔2026〕12号。\n")
    found = [(f.line, f.rule) for f in findings_for(repo, body) if f.category == "privacy"]
    assert found == [(5, "privacy.home-address"), (7, "privacy.home-address")]


def test_a_table_row_with_a_full_name_and_a_number(repo):
    body = ("| 序号 | 姓名 | 联系电话 | 住址 |\n|---|---|---|---|\n"
            "| 1 | 张大山 | 13812345678 | 大昌镇人民路18号 |\n"
            "| 2 | 李某某 | 13912345678 | 白坪村 |\n"
            "| 3 | 王小明 | 139****5678 | 白坪村3组 |\n"
            "| 4 | 欧阳明月 | 13612345678 | 白坪村 |\n"
            "| 5 | 赵一鸣 | 023-57223344 | 白坪村 |\n")
    found = [(f.line, f.rule) for f in findings_for(repo, body) if f.category == "privacy"]
    assert (7, "privacy.name-with-number") in found and (10, "privacy.name-with-number") in found
    assert (7, "privacy.home-address") in found and (9, "privacy.home-address") in found
    assert not [r for line, r in found if line == 8 and r == "privacy.name-with-number"]  # a masked name
    assert not [r for line, r in found if line == 9 and r == "privacy.name-with-number"]  # a masked number
    assert not [r for line, r in found if line == 11]  # a fixed line next to a name: mostly an office's
    row = next(f for f in findings_for(repo, body) if f.rule == "privacy.name-with-number")
    assert "张大山" in row.message and "138****5678" in row.message and "13812345678" not in row.message


def test_a_table_of_units_and_their_office_numbers_is_fine(repo):
    body = ("| 单位 | 电话 | 地址 |\n|---|---|---|\n| 大昌镇人民政府 | 023-57681234 | 大昌镇人民路1号 |\n"
            "| 王家坝村 | 13812345678 | 王家坝村 |\n")
    found = [f.rule for f in findings_for(repo, body) if f.category == "privacy"]
    assert found == ["privacy.mobile"]  # the mobile itself, but no name next to it
