"""The command line turns user mistakes into one clear message, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "threadlens", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b'{"data": [{"id": "1"', "truncated"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "binary"),
        (b"hello, this is not an export\n", "no reader recognises"),
    ],
)
def test_bad_input_is_one_clear_message(tmp_path, content, expected):
    path = tmp_path / "export.json"
    path.write_bytes(content)
    result = run_cli("inspect", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert expected in result.stderr
    assert str(path) in result.stderr.replace("\n", "")


def test_missing_file_names_it(tmp_path):
    result = run_cli("inspect", str(tmp_path / "absent.json"))
    assert result.returncode == 2
    assert "not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_formats_lists_every_reader():
    result = run_cli("formats")
    assert result.returncode == 0
    for name in ("x-archive", "x-api-v2", "x-api-v1", "mastodon", "bluesky", "reddit", "csv", "jsonl", "convokit"):
        assert name in result.stdout


@pytest.mark.parametrize(
    ("command", "option", "names"),
    [
        ("inspect", "--format", ("auto", "x-archive", "mastodon", "csv", "convokit")),
        ("explain", "--scorer", ("lens", "profanity-check", "transformers", "perspective")),
    ],
)
def test_option_help_names_what_the_registries_hold(command, option, names):
    result = subprocess.run(
        [sys.executable, "-m", "threadlens", command, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "300"},
    )
    line = next(line for line in result.stdout.splitlines() if option in line)
    assert all(name in line for name in names), line


def test_version_is_the_one_written_in_pyproject():
    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"threadlens {project['project']['version']}"


def test_column_mapping_reads_a_spreadsheet_with_other_names(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "tweet_id,parent,who,when,body\n"
        "2029905358261502168,,alice,2026-03-06T13:02:05Z,hello\n"
        "2029905358261502169,2029905358261502168,bob,2026-03-06T13:05:00Z,hi\n",
        encoding="utf-8",
    )
    result = run_cli(
        "inspect",
        str(path),
        "--format",
        "csv",
        "--platform",
        "x",
        "--json",
        "--column",
        "id=tweet_id",
        "--column",
        "reply_to=parent",
        "--column",
        "author=who",
        "--column",
        "created_at=when",
        "--column",
        "text=body",
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    [conversation] = payload["conversations"]
    assert conversation["conversation_id"] == "x:2029905358261502168"
    assert conversation["messages"] == 2 and conversation["depth"] == 1


def test_malformed_column_mapping_is_a_clear_error(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,text\n1,hi\n", encoding="utf-8")
    result = run_cli("inspect", str(path), "--column", "tweet_id")
    assert result.returncode == 2
    assert "CANONICAL=ACTUAL" in result.stderr and "Traceback" not in result.stderr


def test_inspect_prints_ids_and_paths_with_brackets_as_text(tmp_path):
    folder = tmp_path / "[red]case"
    folder.mkdir()
    path = folder / "export.csv"
    path.write_text("id,reply_to,author,created_at,text\n[bold]1,,alice,2026-03-06T13:02:05Z,hi\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "threadlens", "inspect", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stderr
    printed = "".join(result.stdout.split())
    assert "[red]case" in printed and "generic:[bold]1" in printed
