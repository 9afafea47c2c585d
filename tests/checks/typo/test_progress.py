"""A first check builds the typo model: the person waiting sees what is happening on the terminal, also when
stderr is captured (pre-commit shows a hook's output only after the hook has ended)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.terminal import run_on_a_terminal

SAY = [sys.executable, "-c", "from checks.typo.build import announce; announce('错别字检查：（1/4）正在读取词典……')"]
LINE = "错别字检查：（1/4）正在读取词典……"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    return env


def test_with_stderr_in_a_file_the_line_reaches_the_terminal_too(tmp_path: Path) -> None:
    log = tmp_path / "stderr.txt"
    with open(log, "wb") as fh:
        screen = run_on_a_terminal(SAY, _env(), stderr_fd=fh.fileno())
    assert screen.returncode == 0
    assert screen.text == "\n" + LINE + "\n"  # on a line of its own after what pre-commit has written
    assert log.read_text(encoding="utf-8") == LINE + "\n"


def test_with_stderr_on_another_programs_terminal_the_line_reaches_the_users_terminal(tmp_path: Path) -> None:
    # pre-commit with colours gives a hook a pseudo-terminal of its own and shows what it wrote at the end
    theirs, their_end = pty.openpty()
    try:
        screen = run_on_a_terminal(SAY, _env(), stderr_fd=their_end)
        os.close(their_end)
        captured = b""
        while True:
            try:
                data = os.read(theirs, 4096)
            except OSError:
                break
            if not data:
                break
            captured += data
    finally:
        os.close(theirs)
    assert screen.returncode == 0
    assert LINE in screen.text
    assert LINE in captured.decode("utf-8")


def test_with_stderr_on_the_terminal_the_line_is_shown_once() -> None:
    screen = run_on_a_terminal(SAY, _env())
    assert screen.returncode == 0
    assert screen.text.count(LINE) == 1


def test_without_a_terminal_the_line_goes_to_stderr_only() -> None:
    proc = subprocess.run(SAY, env=_env(), capture_output=True, text=True, start_new_session=True, check=False)
    assert proc.returncode == 0
    assert proc.stderr == LINE + "\n"
    assert proc.stdout == ""


def test_each_step_of_the_build_is_announced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from checks.typo import build

    said: list[str] = []
    monkeypatch.setattr(build, "announce", said.append)

    def fake_build(path: Path, progress=None) -> Path:
        for message in ("甲", "乙"):
            progress(message)
        return path

    monkeypatch.setattr(build, "build", fake_build)
    build.build_on_first_use(tmp_path / "model.pickle")
    assert said[0] == "错别字检查：首次使用，正在生成模型缓存（约 20 秒，只需一次）……"
    assert said[1:3] == ["甲", "乙"]
    assert said[3].startswith("错别字检查：模型缓存已生成，用时 ") and said[3].endswith(" 秒，以后检查不用再等。")


@pytest.mark.slow  # builds the real model (20-45 s)
def test_the_build_under_a_captured_stderr_shows_its_steps_on_the_terminal_as_they_happen(tmp_path: Path) -> None:
    env = _env()
    env["GOVSITE_CACHE_DIR"] = str(tmp_path / "cache")  # empty: the model is missing
    log = tmp_path / "stderr.txt"
    code = "from checks.typo.engine import load_model; load_model(); print('载入完毕')"
    with open(log, "wb") as fh:
        screen = run_on_a_terminal([sys.executable, "-c", code], env, stderr_fd=fh.fileno())
    assert screen.returncode == 0, log.read_text(encoding="utf-8")
    steps = ["错别字检查：首次使用，正在生成模型缓存（约 20 秒，只需一次）……",
             "错别字检查：（1/4）正在读取输入法的词典和语言模型……",
             "错别字检查：（2/4）正在读取常用词词典、同音字表和形近字表……",
             "错别字检查：（3/4）正在统计《人民日报》语料……",
             "错别字检查：（4/4）正在保存模型……"]
    times = [screen.when(s) for s in steps]
    assert None not in times, screen.text
    done = screen.when("错别字检查：模型缓存已生成，用时 ")
    end = screen.when("载入完毕")
    assert done is not None and end is not None
    assert times == sorted(times) and times[-1] <= done <= end  # type: ignore[operator]
    assert end - times[0] > 5  # type: ignore[operator]  # the first line came while the model was still being built
    assert "秒，以后检查不用再等。" in screen.text
    assert log.read_text(encoding="utf-8").count("错别字检查：") == 6  # stderr has every line as well
    assert any((tmp_path / "cache").glob("typo-*/model.pickle"))
