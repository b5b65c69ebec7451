"""``threadlens case init``: a manifest drafted from the exports gives the findings of the hand-written one."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.test_cli import run_cli
from threadlens.cli import app
from threadlens.errors import InputError
from threadlens.ingest import read_inputs
from threadlens.privacy.manifest import UNFILLED, load_manifest
from threadlens.scope import minimise
from threadlens.thread import build_graph

SAMPLES = Path(__file__).resolve().parent.parent / "sample_threads"
CASES = sorted(path.name for path in SAMPLES.iterdir() if (path / "submission.toml").exists())
FILLED_BY_A_PERSON = ("case_id", "submitted_by", "consent_basis", "consent_date", "retention_date")


def invoke(*args: str):
    return CliRunner().invoke(app, [str(arg) for arg in args], env={"COLUMNS": "200"})


def in_scope_conversations(folder: Path) -> list[str]:
    """The conversations (as ``inspect`` prints them) holding a message the hand-written manifest keeps in scope."""
    read = read_inputs([folder])
    statuses = minimise(read.messages, load_manifest(folder / "submission.toml").scope_rules).statuses
    return [
        key
        for key, ids in build_graph(read.messages).conversations().items()
        if any(statuses.get(i) == "in" for i in ids)
    ]


def party_options(folder: Path) -> list[str]:
    """``--party`` for each hand-written party: every handle of theirs, joined by commas, and their role."""
    return [
        f"--party={','.join(h for handles in party.handles.values() for h in handles)}={party.role}"
        for party in load_manifest(folder / "submission.toml").parties
    ]


def fill_in(draft: str, folder: Path) -> str:
    """The draft with each placeholder replaced by the hand-written manifest's value."""
    given = tomllib.loads((folder / "submission.toml").read_text(encoding="utf-8"))
    for key in FILLED_BY_A_PERSON:
        value = given[key].isoformat() if hasattr(given[key], "isoformat") else json.dumps(given[key])
        draft, count = re.subn(rf'^{key} = "{UNFILLED}[^\n]*$', f"{key} = {value}", draft, flags=re.M)
        assert count == 1, key
    return draft


def findings(out: Path) -> dict:
    document = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {key: document[key] for key in ("conversations", "chains", "participants")}


@pytest.mark.parametrize("case", CASES)
def test_a_drafted_manifest_gives_the_findings_of_the_hand_written_one(case, tmp_path):
    folder = SAMPLES / case
    draft = tmp_path / "submission.toml"
    conversations = [f"--conversation={key}" for key in in_scope_conversations(folder)]
    result = invoke("case", "init", folder, "--out", draft, *conversations, *party_options(folder))
    assert result.exit_code == 0, result.output
    text = draft.read_text(encoding="utf-8")
    assert text.count(UNFILLED) >= len(FILLED_BY_A_PERSON) + 1  # and one in the comment that explains them
    draft.write_text(fill_in(text, folder), encoding="utf-8")
    for manifest, out in ((folder / "submission.toml", tmp_path / "given"), (draft, tmp_path / "drafted")):
        done = invoke("analyse", folder, "--consent", manifest, "--out", out, "--no-html", "--no-pdf")
        assert done.exit_code == 0, done.output
    assert findings(tmp_path / "drafted") == findings(tmp_path / "given")


def test_the_draft_fills_in_what_the_export_knows(tmp_path):
    draft = tmp_path / "submission.toml"
    result = invoke(
        "case",
        "init",
        SAMPLES / "mixed-platform",
        "--out",
        draft,
        "--party",
        "u/PennyFarthing_Eastgate,pennyfarthing.bsky.social,penny.a=complainant",
        "--search",
        "Timetable",
    )
    assert result.exit_code == 0, result.output
    table = tomllib.loads(draft.read_text(encoding="utf-8"))
    assert table["scope_rules"] == {
        "conversations": ["reddit:t3_1j4kq2x", "whatsapp:wa-0001"],  # the two whose texts say "timetable"
        "from": tomllib.loads("d = 2026-04-14")["d"],
        "until": tomllib.loads("d = 2026-04-14")["d"],
    }
    assert table["parties"] == [
        {
            "name": "Penny Arkwright",
            "role": "complainant",
            "handles": {
                "reddit": "u/PennyFarthing_Eastgate",
                "bluesky": ["pennyfarthing.bsky.social", "did:plc:wggfcipgmnz7tqtjrr7qgfp5"],
                "whatsapp": "penny.a",
            },
        }
    ]


def test_analyse_names_every_field_left_unfilled_and_inspect_shows_the_scope(tmp_path):
    folder, draft = SAMPLES / "pra-x-archive", tmp_path / "submission.toml"
    invoke("case", "init", folder, "--out", draft, "--with", "tamsin_oh_left", "--party", "@cllr_gvoss=complainant")
    done = run_cli("analyse", str(folder), "--consent", str(draft), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    fields = "case_id, submitted_by, consent_basis, consent_date, retention_date"
    assert f"not filled in: {fields}" in " ".join(done.stderr.split())
    assert not (tmp_path / "out" / "findings.json").exists()
    scope = json.loads(invoke("inspect", folder, "--consent", draft, "--json").output)["scope"]
    assert scope["checked"] and (scope["in"], scope["left_out"]) == (10, 3)  # the one conversation she wrote in


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--conversation", "x:1"], "conversation 'x:1' is not in the exports"),
        (["--party", "@nobody=respondent"], "no author '@nobody' in the exports"),
        ([], "no party chosen"),
        (["--search", "no such words anywhere"], "no conversation is left"),
    ],
)
def test_mistakes_are_one_clear_message(tmp_path, options, message):
    result = run_cli("case", "init", str(SAMPLES / "pra-x-archive"), "--out", str(tmp_path / "s.toml"), *options)
    assert result.returncode == 2 and message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "s.toml").exists()


def test_an_existing_manifest_is_not_replaced_without_force(tmp_path):
    target = tmp_path / "submission.toml"
    target.write_text("# by hand\n")
    args = ("case", "init", SAMPLES / "calm-control", "--out", target, "--party", "@owenpryce@social.example=x")
    assert isinstance(invoke(*args).exception, InputError) and target.read_text() == "# by hand\n"
    assert invoke(*args, "--force").exit_code == 0 and "owenpryce" in target.read_text()


class Terminal:
    """The command under a pseudo-terminal, read until a prompt and answered as an officer types."""

    def __init__(self, *args: str) -> None:
        main, child = pty.openpty()
        fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # 40 rows of 120 columns
        env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
        env.update({"TERM": "xterm", "NO_COLOR": "1"})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "threadlens", *args], stdin=child, stdout=child, stderr=child, env=env
        )
        os.close(child)
        self.main, self.seen = main, ""

    def expect(self, text: str, timeout: float = 60) -> str:
        end = time.monotonic() + timeout
        while text not in self.seen:
            assert time.monotonic() < end, f"no {text!r} in {self.seen!r}"
            if select.select([self.main], [], [], 0.2)[0]:
                try:
                    self.seen += os.read(self.main, 4096).decode("utf-8", "replace")
                except OSError:  # the command ended
                    assert text in self.seen, f"no {text!r} in {self.seen!r}"
        before, _, self.seen = self.seen.partition(text)
        return before

    def type(self, line: str) -> None:
        os.write(self.main, (line + "\n").encode())

    def close(self) -> int:
        try:
            return self.process.wait(timeout=60)
        finally:
            os.close(self.main)


def row_of(listing: str, text: str) -> str:
    """The number of the listed row that names ``text``."""
    return re.search(rf"^\W*(\d+)\W[^\n]*{re.escape(text)}", listing, flags=re.M).group(1)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_in_a_terminal_the_officer_chooses_a_conversation_and_a_party_by_number(tmp_path):
    draft = tmp_path / "submission.toml"
    terminal = Terminal("case", "init", str(SAMPLES / "pra-x-archive"), "--out", str(draft))
    listing = terminal.expect("Conversations to include")
    assert "x:2028818216587677735" in listing and "x:2028397915740144136" in listing
    terminal.type("@tamsin_oh_left")  # words, not numbers: the list narrows to what they wrote in
    listing = terminal.expect("Conversations to include")
    assert "x:2028397915740144136" not in listing
    terminal.type(row_of(listing, "x:2028818216587677735"))
    people = terminal.expect("Parties")
    terminal.type(row_of(people, "cllr_gvoss"))
    terminal.expect("Role of cllr_gvoss")
    terminal.type("")  # the first party's role offered: complainant
    terminal.expect("wrote")
    assert terminal.close() == 0
    table = tomllib.loads(draft.read_text(encoding="utf-8"))
    assert table["scope_rules"]["conversations"] == ["x:2028818216587677735"]
    assert table["parties"] == [
        {"name": "cllr_gvoss", "role": "complainant", "handles": {"x": ["@cllr_gvoss", "1447182930462515201"]}}
    ]
