"""The command line turns user mistakes into one clear message, never a traceback."""

from __future__ import annotations

import subprocess
import sys

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


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("threadlens ")
