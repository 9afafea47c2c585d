"""The command line's exit statuses: an internal error is 3, with one Chinese line and a crash log."""

from __future__ import annotations

import pytest

from govsite.cli import main as cli_main


def test_an_internal_error_exits_3_with_a_crash_log(monkeypatch: pytest.MonkeyPatch, tmp_path, capsys) -> None:
    from govsite.cli import rules

    monkeypatch.setenv("GOVSITE_CACHE_DIR", str(tmp_path / "cache"))

    def broken(args):
        raise RuntimeError("模拟的程序故障")

    monkeypatch.setattr(rules, "run", broken)
    assert cli_main.main(["rules"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "内部错误（RuntimeError）" in err and "这不是您的操作问题" in err
    [log] = (tmp_path / "cache" / "crash").glob("crash-*.log")
    assert str(log) in err
    text = log.read_text(encoding="utf-8")
    assert "govsite 0.1.0" in text and "command: govsite rules" in text
    assert "Traceback" in text and "模拟的程序故障" in text and "mkdocs " in text


def test_a_usage_problem_is_2_and_no_crash_log(monkeypatch: pytest.MonkeyPatch, tmp_path, capsys) -> None:
    monkeypatch.setenv("GOVSITE_CACHE_DIR", str(tmp_path / "cache"))
    assert cli_main.main(["--root", str(tmp_path / "nowhere"), "check"]) == 2
    assert not (tmp_path / "cache" / "crash").exists()
    assert cli_main.main(["no-such-command"]) == 2
