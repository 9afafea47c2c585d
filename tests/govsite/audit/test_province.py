"""The provincial run (govsite province): shards in separate processes merge to the sequential result; the
merge refuses shards that do not belong together; a county that cannot be read is listed, not ranked; the
shipped GitLab template runs its province jobs as written."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from govsite.audit.province import load_province, merge, parse_shard, run_shard, shard_counties
from govsite.core.errors import GovsiteError
from tests.govsite.audit.conftest_audit import REPO, AuditRepo

pytestmark = pytest.mark.slow  # twenty git repositories, govsite in subprocesses

AS_OF = "2026-11-30"
COUNTIES = 20


def county(root: Path, k: int) -> None:
    """County ``k``: one township whose weekly column was last updated ``k`` days before the audit day, so the
    counties' scores differ (a column goes stale after seven days, Art. 23), and from k = 15 a second unit."""
    repo = AuditRepo(root)
    (root / "site_config" / "site.yml").write_text(
        f"name: 测试{k:02d}县人民政府\ncounty: 测试{k:02d}县\nsponsor: 测试{k:02d}县人民政府办公室\n"
        "interaction_url: https://www.example.gov.cn/hdjl/\noffice_unit: office\noperator_unit: bigdata\n",
        encoding="utf-8")
    repo.unit()
    repo.page("town/gzdt/open.md", formed="2026-01-05", title="大昌镇网站开办公告")
    repo.commit("2026-01-05")
    if k >= 15:
        repo.unit("farm", columns=[("tzgg", "通知公告", "notice", "monthly")])
        repo.page("farm/tzgg/first.md", formed="2026-02-02", title="农业农村委通知")
        repo.commit("2026-02-02")
    last = dt.date.fromisoformat(AS_OF) - dt.timedelta(days=k)
    repo.page("town/gzdt/latest.md", formed=last.isoformat(), title="大昌镇召开工作会议")
    repo.commit(last.isoformat())


def province_file(base: Path, entries: list[tuple[str, str, str]], extra: str = "") -> Path:
    lines = ["name: 重庆市", "issuer: 重庆市人民政府办公厅", "number_prefix: 渝府办", extra, "counties:"]
    lines += [f"  - {{id: {i}, name: {n}, repo: '{r}'}}" for i, n, r in entries]
    path = base / "province.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("province")
    for k in range(1, COUNTIES + 1):
        county(base / "counties" / f"c{k:02d}", k)
    return province_file(base, [(f"c{k:02d}", f"测试{k:02d}县", f"counties/c{k:02d}") for k in range(1, COUNTIES + 1)])


def govsite(*args: str, cwd: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "govsite", *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=600)
    return proc.returncode, out, err


def docx_text(path: Path) -> list[str]:
    import docx

    d = docx.Document(str(path))
    return [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]


# -- the test: 20 counties as 4 shards in separate processes equal the sequential run ----------------
def test_four_shards_in_separate_processes_merge_to_the_sequential_result(province: Path, tmp_path: Path) -> None:
    base = province.parent
    shards = [govsite("province", "run", str(province), "--shard", f"{i}/4", "--as-of", AS_OF, "--no-checks",
                      "-o", str(tmp_path / f"shard-{i}.json"), cwd=base) for i in range(1, 5)]
    whole = govsite("province", "run", str(province), "--as-of", AS_OF, "--no-checks", "-o", str(tmp_path / "all.json"),
                    cwd=base)
    for proc in [*shards, whole]:
        code, _, err = finish(proc)
        assert code == 0, err
        assert "结果已写入" in err
    sizes = [len(json.loads((tmp_path / f"shard-{i}.json").read_text(encoding="utf-8"))["counties"]) for i in range(1, 5)]
    assert sizes == [5, 5, 5, 5]
    code, text_4, err = finish(govsite("province", "merge", str(province), *(str(tmp_path / f"shard-{i}.json")
                                                                              for i in (3, 1, 4, 2)),
                                       "-o", str(tmp_path / "from-shards"), "--issued-on", "2026-12-07", cwd=base))
    assert code == 0, err
    code, text_1, err = finish(govsite("province", "merge", str(province), str(tmp_path / "all.json"),
                                       "-o", str(tmp_path / "sequential"), "--issued-on", "2026-12-07", cwd=base))
    assert code == 0, err
    assert text_4 == text_1
    for name in ("province.json", "province.html"):
        assert (tmp_path / "from-shards" / name).read_bytes() == (tmp_path / "sequential" / name).read_bytes(), name
    circular = docx_text(tmp_path / "from-shards" / "通报-2026Q4.docx")
    assert circular == docx_text(tmp_path / "sequential" / "通报-2026Q4.docx")

    merged = json.loads((tmp_path / "from-shards" / "province.json").read_text(encoding="utf-8"))
    assert merged["summary"] == {"counties": 20, "audited": 20, "failed": 0, "passed": merged["summary"]["passed"],
                                 "pages": 20 * 2 + 6 * 1}
    ranks = [c["rank"] for c in merged["counties"]]
    assert ranks == list(range(1, 21))
    by_id = {c["id"]: c for c in merged["counties"]}
    # a column updated 7 days ago is still fresh (Art. 23), one updated 8 days ago is stale: it ranks lower
    assert by_id["c07"]["areas"].get("栏目更新", 0) == 0 and by_id["c08"]["areas"].get("栏目更新", 0) >= 1
    assert by_id["c07"]["score"] > by_id["c08"]["score"] and by_id["c07"]["rank"] < by_id["c08"]["rank"]
    assert "渝府办〔2026〕1号" in circular
    assert any("重庆市人民政府办公厅关于2026年第四季度全市县（区）政府网站检查情况的通报" in p for p in circular)
    assert any(p.startswith("本期共检查 20 个县（区）政府网站") for p in circular)


def test_shards_take_every_nth_county_in_the_file_order(province: Path) -> None:
    p = load_province(province)
    assert [c.id for c in shard_counties(p, 2, 4)] == ["c02", "c06", "c10", "c14", "c18"]
    assert sum(len(shard_counties(p, i, 3)) for i in (1, 2, 3)) == 20
    assert shard_counties(p, 7, 40) == [c for c in p.counties if c.id == "c07"]


@pytest.mark.parametrize("text", ["0/4", "5/4", "2", "a/b", "2/", "-1/3"])
def test_a_shard_is_written_index_over_total(text: str) -> None:
    with pytest.raises(GovsiteError, match="序号/总数"):
        parse_shard(text)


# -- the merge refuses shards that do not make one whole ------------------------------------------------------
@pytest.fixture(scope="module")
def small(province: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """Three of the counties, audited as two shards in this process."""
    base = province.parent
    path = base / "small" / "province.yml"
    path.parent.mkdir()
    province_file(path.parent, [(f"c{k:02d}", f"测试{k:02d}县", f"../counties/c{k:02d}") for k in (1, 9, 16)])
    p = load_province(path)
    return path, [run_shard(p, i, 2, dt.date.fromisoformat(AS_OF), run_checks=False) for i in (1, 2)]


def test_a_missing_shard_is_named_with_its_counties(small: tuple[Path, list[dict]]) -> None:
    path, shards = small
    with pytest.raises(GovsiteError) as exc:
        merge(load_province(path), shards[:1])
    assert "缺少 1 个县的结果（测试09县）" in exc.value.message and "共 2 片，收到第 1 片" in exc.value.message


def test_a_shard_given_twice_is_refused(small: tuple[Path, list[dict]]) -> None:
    path, shards = small
    with pytest.raises(GovsiteError, match="出现在两个分片中"):
        merge(load_province(path), [shards[0], *shards])


def test_shards_of_different_days_or_lists_are_refused(small: tuple[Path, list[dict]], province: Path) -> None:
    path, shards = small
    other_day = dict(shards[1], as_of="2026-12-01")
    with pytest.raises(GovsiteError, match="请用同一个 --as-of"):
        merge(load_province(path), [shards[0], other_day])
    with pytest.raises(GovsiteError, match="另一份省级清单"):
        merge(load_province(province), shards)


def test_the_merge_ranks_by_score_and_keeps_the_shard_order_out(small: tuple[Path, list[dict]]) -> None:
    path, shards = small
    a, b = merge(load_province(path), shards), merge(load_province(path), shards[::-1])
    assert a.to_dict() == b.to_dict()
    assert a.counties[0].id == "c01" and [c.rank for c in a.counties] == [1, 2, 3]
    assert [c.score for c in a.counties] == sorted((c.score for c in a.counties), reverse=True)
    assert a.counties[0].grade == "优秀" and all(c.grade for c in a.counties)


# -- a county that cannot be read, and one given by its git address -------------------------------------------
def test_a_county_that_cannot_be_read_is_listed_with_the_reason_not_ranked(province: Path, tmp_path: Path) -> None:
    (tmp_path / "not-a-county").mkdir()
    path = province_file(tmp_path, [("c01", "测试01县", str(province.parent / "counties" / "c01")),
                                    ("gone", "消失县", "no/such/folder"), ("odd", "奇怪县", "not-a-county")])
    code, _, err = finish(govsite("province", "run", str(path), "--as-of", AS_OF, "--no-checks", "-o",
                                  str(tmp_path / "all.json"), cwd=tmp_path))
    assert code == 1
    assert "2 个未能审计（消失县、奇怪县" in err
    code, out, err = finish(govsite("province", "merge", str(path), str(tmp_path / "all.json"), "-o",
                                    str(tmp_path / "out"), cwd=tmp_path))
    assert code == 1
    assert "消失县（gone）未能审计：no/such/folder 不是县级网站仓库" in out
    merged = json.loads((tmp_path / "out" / "province.json").read_text(encoding="utf-8"))
    assert [(c["id"], c["rank"]) for c in merged["counties"]] == [("c01", 1), ("gone", 0), ("odd", 0)]
    circular = docx_text(next((tmp_path / "out").glob("通报-*.docx")))
    assert any("消失县、奇怪县的网站仓库本期未能读取，不参加排名" in p for p in circular)


def test_a_county_given_by_its_git_address_is_cloned_in_full(province: Path, tmp_path: Path) -> None:
    local = province.parent / "counties" / "c09"
    day = dt.date.fromisoformat(AS_OF)
    (tmp_path / "url").mkdir()
    (tmp_path / "folder").mkdir()
    by_url = run_shard(load_province(province_file(tmp_path / "url", [("c09", "测试09县", local.as_uri())])),
                       1, 1, day, run_checks=False)["counties"][0]
    by_folder = run_shard(load_province(province_file(tmp_path / "folder", [("c09", "测试09县", str(local))])),
                          1, 1, day, run_checks=False)["counties"][0]
    assert by_url["status"] == "audited" and by_url == by_folder
    gone = province_file(tmp_path, [("x", "无址县", (tmp_path / "nowhere").as_uri())])
    failed = run_shard(load_province(gone), 1, 1, day, run_checks=False)["counties"][0]
    assert failed["status"] == "failed" and "无法克隆仓库" in failed["message"]
    assert str(tmp_path / "nowhere") in failed["message"] and "govsite-province-" not in failed["message"]


def test_the_county_checks_run_and_a_political_error_vetoes_the_county(tmp_path: Path) -> None:
    root = tmp_path / "wrong"
    repo = AuditRepo(root)
    repo.unit()
    repo.page("town/gzdt/open.md", formed="2026-11-25", title="客商来访", body="南朝鲜客商来大昌镇考察。\n")
    repo.commit("2026-11-25")
    path = province_file(tmp_path, [("wrong", "错误县", "wrong")])
    report = merge(load_province(path), [run_shard(load_province(path), 1, 1, dt.date.fromisoformat(AS_OF))])
    c = report.counties[0]
    # a political expression error is a single-veto item (严重错误, 国办秘函〔2019〕19号): the county fails
    assert c.status == "audited" and c.site_veto and c.grade == "不合格" and c.areas.get("严重错误") == 1
    assert any("南朝鲜" in p and "韩国" in p and p.startswith("巫山县大昌镇人民政府：") for p in c.problems)


# -- the province file ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "message"), [
    ("name: 重庆市\n", "counties 应列出至少一个县"),
    ("name: 重庆市\ncounties:\n  - {id: a, name: 甲县, repo: a}\n  - {id: a, name: 乙县, repo: b}\n", "出现了两次（第 3 行和第 4 行）"),
    ("name: 重庆市\ncounties:\n  - {id: a, repo: a}\n", "第 3 行的县的 name"),
    ("name: 重庆市\ncounties: [\n", "YAML 格式错误"),
    ("counties:\n  - {id: a, name: 甲县, repo: a}\n", "缺少 name（省、市名称）"),
])
def test_a_wrong_province_file_is_one_chinese_message_and_exit_2(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "province.yml"
    path.write_text(text, encoding="utf-8")
    code, _, err = finish(govsite("province", "run", str(path), cwd=tmp_path))
    assert code == 2 and message in err and "Traceback" not in err


def test_a_province_file_with_a_bom_is_read_and_a_missing_file_or_shard_is_named(tmp_path: Path) -> None:
    path = tmp_path / "province.yml"
    path.write_bytes("\ufeffname: 重庆市\ncounties:\n  - {id: a, name: 甲县, repo: a}\n".encode())
    assert load_province(path).counties[0].name == "甲县"
    code, _, err = finish(govsite("province", "merge", str(tmp_path / "nope.yml"), "x.json", cwd=tmp_path))
    assert code == 2 and "找不到省级清单" in err
    code, _, err = finish(govsite("province", "merge", str(path), str(tmp_path / "x.json"), cwd=tmp_path))
    assert code == 2 and "找不到分片结果" in err


# -- the shipped GitLab template: the province jobs' scripts, run as a runner would ----------------------------
def test_the_gitlab_template_audits_in_parallel_shards_and_merges(small: tuple[Path, list[dict]], tmp_path: Path) -> None:
    province = small[0].parent
    ci = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    audit, merge_job = ci["province:audit"], ci["province:merge"]
    assert audit["parallel"] == 4 and merge_job["needs"] == ["province:audit"]
    assert ci["stages"].index(merge_job["stage"]) > ci["stages"].index(audit["stage"])
    for job in ("check:changed", "review:status", "verify", "build", "pages", "audit:daily"):
        assert ci[job]["rules"][0] == {"if": "$GOVSITE_PROVINCE_FILE", "when": "never"}, job
    work = tmp_path / "province-repo"
    shutil.copytree(province.parent, work)  # three counties of the small province file, so one shard is empty
    bindir = str(Path(sys.executable).parent)
    env = dict(os.environ, GOVSITE_PROVINCE_FILE="small/province.yml", CI_PIPELINE_CREATED_AT="2026-11-30T17:30:00Z",
               TZ="Asia/Shanghai", CI_NODE_TOTAL="4", PATH=bindir + os.pathsep + os.environ["PATH"],
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))

    def script(job: dict, **extra: str) -> subprocess.CompletedProcess:
        lines = [line.replace("/opt/govsite/bin/", bindir + "/") for line in job["script"]
                 if "checks.typo.build" not in line]  # the model is built once by make
        return subprocess.run(["bash", "-ec", "\n".join(lines)], cwd=work, env=dict(env, **extra), capture_output=True,
                              text=True, timeout=600)

    procs = [script(audit, CI_NODE_INDEX=str(i)) for i in range(1, 5)]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [p.stderr for p in procs]
    # 17:30 UTC is 01:30 on 1 December in China: the audit day is the pipeline's China date
    assert {json.loads((work / f"province-shard-{i}.json").read_text(encoding="utf-8"))["as_of"] for i in range(1, 5)} \
        == {"2026-12-01"}
    done = script(merge_job)
    assert done.returncode == 0, done.stderr
    merged = json.loads((work / "province-report" / "province.json").read_text(encoding="utf-8"))
    assert merged["summary"]["audited"] == 3 and merged["as_of"] == "2026-12-01"
    assert json.loads((work / "province-shard-4.json").read_text(encoding="utf-8"))["counties"] == []
