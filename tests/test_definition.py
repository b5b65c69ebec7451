"""Loading written definitions: by name or path, merged tables, hash over every file."""

from __future__ import annotations

import pytest

from threadlens.definition import definition_sha256, load_definition
from threadlens.errors import ConfigError


def _definition(folder, **files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("__", "/")).write_text(text)
    return folder


def test_loads_by_path_and_merges_top_level_toml(tmp_path):
    folder = _definition(
        tmp_path / "strict",
        **{
            "definition.toml": '[definition]\nname = "strict"\nversion = "2"\n[thresholds]\nhostile_level = 2\n',
            "escalation.toml": "[escalation]\nthreshold = 2\n",
        },
    )
    definition = load_definition(folder)
    assert definition.name == "strict"
    assert definition.ref.version == "2"
    assert definition.section("thresholds") == {"hostile_level": 2}
    assert definition.section("escalation") == {"threshold": 2}
    assert definition.sha256 == definition_sha256(folder)


def test_any_edit_changes_the_hash(tmp_path):
    folder = _definition(tmp_path / "d", **{"definition.toml": "[definition]\nname = 'd'\n"})
    (folder / "lexicons").mkdir()
    (folder / "lexicons" / "insult.txt").write_text("idiot\n")
    before = definition_sha256(folder)
    (folder / "lexicons" / "insult.txt").write_text("idiot\nfool\n")
    assert definition_sha256(folder) != before


def test_a_table_defined_twice_is_refused(tmp_path):
    folder = _definition(
        tmp_path / "twice",
        **{"definition.toml": "[escalation]\nthreshold = 2\n", "escalation.toml": "[escalation]\nthreshold = 3\n"},
    )
    with pytest.raises(ConfigError, match="defined twice"):
        load_definition(folder)


def test_unknown_name_lists_known_definitions(tmp_path, monkeypatch):
    _definition(tmp_path / "definitions" / "panel", **{"definition.toml": "[definition]\nname='panel'\n"})
    monkeypatch.setenv("THREADLENS_CONFIG", str(tmp_path))
    with pytest.raises(ConfigError, match="Known definitions: panel"):
        load_definition("nonexistent")


def test_invalid_toml_names_the_file(tmp_path):
    folder = _definition(tmp_path / "broken", **{"definition.toml": "[definition\nname = 1\n"})
    with pytest.raises(ConfigError) as caught:
        load_definition(folder)
    assert caught.value.path.endswith("definition.toml")


def test_missing_section_is_a_clear_error(tmp_path):
    folder = _definition(tmp_path / "small", **{"definition.toml": "[definition]\nname='small'\n"})
    with pytest.raises(ConfigError, match=r"no \[levels\] table"):
        load_definition(folder).section("levels")


def test_files_outside_the_definition_are_refused(tmp_path):
    folder = _definition(tmp_path / "d", **{"definition.toml": "[definition]\nname='d'\n"})
    with pytest.raises(ConfigError, match="outside"):
        load_definition(folder).read_text("../../etc/passwd")
