"""Only what the consent covers: the machine-checked scope, minimisation before anything else, and context kept."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from threadlens.errors import ConsentError
from threadlens.model import Message, Score, Source
from threadlens.pipeline import analyse_case
from threadlens.privacy.manifest import load_manifest
from threadlens.scope import ANCESTOR, QUOTED, ScopeRules, minimise, parse_scope_rules

MANIFEST = """case_id = "2026-070"
submitted_by = "Priya Natarajan, case officer"
consent_basis = "consent"
consent_date = 2026-03-05
scope = "the branch thread of 2 March 2026"
retention_date = 2027-03-31
{rules}
[[parties]]
name = "Alice Ward"
handles = {{ x = "@alice_ward" }}
"""
RULES = """
[scope_rules]
conversations = ["x:1"]
from = 2026-03-02
until = 2026-03-02
"""
# Conversation x:1: its root is the day before the window, a reply is on the last second of it, another the
# first second after; a reply quotes a post of another conversation; one more post of alice's is unrelated.
ROWS = [
    ("1", "", "alice_ward", "2026-03-01T23:59:00Z", "The minutes are up.", ""),
    ("2", "1", "bob_kerr", "2026-03-02T10:00:00Z", "You idiot, they are wrong @alice_ward", ""),
    ("3", "2", "alice_ward", "2026-03-02T23:59:59Z", "Please stop.", ""),
    ("4", "3", "carol_c", "2026-03-03T00:00:00Z", "Late to this one.", ""),
    ("5", "1", "bob_kerr", "2026-03-02T11:00:00Z", "Look at what she wrote before", "7"),
    ("6", "", "alice_ward", "2026-03-02T12:00:00Z", "Thanks to everyone at the ward surgery", ""),
    ("7", "", "alice_ward", "2026-02-20T08:00:00Z", "Bin collections move to Thursday", ""),
]


def write_case(tmp_path: Path, rules: str = RULES) -> tuple[Path, Path]:
    export = tmp_path / "thread.csv"
    with export.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("id", "reply_to", "author", "created_at", "text", "quote_of", "platform"))
        writer.writerows((*row, "x") for row in ROWS)
    manifest = tmp_path / "submission.toml"
    manifest.write_text(MANIFEST.format(rules=rules), encoding="utf-8")
    return export, manifest


def word_scores(messages: list[Message], definition=None) -> dict[str, Score]:
    """'idiot' is rude, everything else civil: enough to drive the analysis without the real scorer."""
    return {
        m.id: Score(
            0.8 if "idiot" in m.text else 0.05, 2 if "idiot" in m.text else 0, "idiot" in m.text, (), (), "words", "1"
        )
        for m in messages
    }


@pytest.fixture
def words(monkeypatch):
    import threadlens.scoring as scoring

    monkeypatch.setattr(scoring, "score_messages", word_scores)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def message(key: str, when: str, reply_to: str | None = None, quote_of: str | None = None) -> Message:
    source = Source(path="thread.csv", position=f"row {key}", sha256="0" * 64, format="csv")
    return Message(
        id=f"x:{key}",
        platform="x",
        author_id="x:a",
        author_name="a",
        created_at=at(when),
        text=key,
        reply_to=reply_to and f"x:{reply_to}",
        quote_of=quote_of and f"x:{quote_of}",
        sources=(source,),
    )


def test_a_window_of_dates_covers_both_whole_days_and_nothing_after():
    rules = parse_scope_rules({"from": "2026-03-02", "until": "2026-03-02"}, "m.toml")
    kept = minimise(
        [
            message("a", "2026-03-02T00:00:00Z"),
            message("b", "2026-03-02T23:59:59.999999Z"),
            message("c", "2026-03-03T00:00:00Z"),
            message("d", "2026-03-01T23:59:59Z"),
        ],
        rules,
    )

    assert [m.id for m in kept.messages] == ["x:a", "x:b"]
    assert kept.left_out == [
        {
            "path": "thread.csv",
            "sha256": "0" * 64,
            "count": 2,
            "reasons": {"after the window": 1, "before the window": 1},
        }
    ]


def test_a_window_of_times_includes_its_end_to_the_second():
    rules = parse_scope_rules({"from": "2026-03-02T10:00:00+01:00", "until": "2026-03-02T10:00:00Z"}, "m.toml")
    kept = minimise(
        [
            message("a", "2026-03-02T09:00:00Z"),
            message("b", "2026-03-02T10:00:00Z"),
            message("c", "2026-03-02T10:00:01Z"),
            message("d", "2026-03-02T08:59:59Z"),
        ],
        rules,
    )

    assert [m.id for m in kept.messages] == ["x:a", "x:b"]


def test_ancestors_and_quoted_messages_outside_the_scope_stay_as_marked_context():
    rules = ScopeRules(conversations=("x:3",), start=at("2026-03-02T00:00:00Z"))
    messages = [
        message("1", "2026-03-01T09:00:00Z"),
        message("2", "2026-03-02T09:00:00Z", reply_to="1"),
        message("3", "2026-03-02T10:00:00Z", reply_to="2", quote_of="9"),
        message("9", "2026-02-01T09:00:00Z"),
        message("10", "2026-03-02T09:00:00Z"),
    ]
    kept = minimise(messages, rules)

    assert [(m.id, m.context_only) for m in kept.messages] == [
        ("x:1", True),
        ("x:2", False),
        ("x:3", False),
        ("x:9", True),
    ]
    assert kept.context == {"x:1": ANCESTOR, "x:9": QUOTED}
    assert kept.left_out[0]["reasons"] == {"another conversation": 1}


@pytest.mark.parametrize(
    ("rules", "position", "expected"),
    [
        ({"conversations": ["2028818216587677735"]}, "scope_rules.conversations", "platform-qualified id"),
        ({"from": "2026-03-02T10:00:00"}, "scope_rules.from", "has no UTC offset"),
        ({"from": "yesterday"}, "scope_rules.from", "a date such as"),
        ({"from": "2026-03-03", "until": "2026-03-02"}, "scope_rules.until", "ends before it starts"),
        ({"conversation": ["x:1"]}, "scope_rules.conversation", "unknown key 'conversation'"),
        ({"platforms": []}, "scope_rules.platforms", "non-empty list"),
        ({}, "scope_rules", "is empty"),
    ],
)
def test_a_wrong_scope_names_the_key_and_what_was_expected(rules, position, expected):
    with pytest.raises(ConsentError) as raised:
        parse_scope_rules(rules, "submission.toml")

    assert raised.value.position == position
    assert expected in str(raised.value)


def test_outside_the_scope_nothing_reaches_any_output_and_provenance_counts_it(tmp_path, words):
    export, manifest = write_case(tmp_path)
    out = tmp_path / "out"
    case = analyse_case([export], out, consent=manifest, html=True, pdf=False)

    every_output = "".join(p.read_bytes().decode("utf-8", "replace") for p in out.iterdir() if p.is_file())
    for text in ("Late to this one", "ward surgery", "carol_c"):
        assert text not in every_output
    tables = (out / "findings.json").read_text(encoding="utf-8") + (out / "messages.csv").read_text(encoding="utf-8")
    assert not re.search(r"x:[46]\b", tables)
    minimisation = json.loads((out / "findings.json").read_text(encoding="utf-8"))["consent"]["minimisation"]
    assert minimisation["checked"] is True and minimisation["warning"] is None
    assert minimisation["left_out"] == 2
    [by_file] = minimisation["left_out_by_file"]
    assert by_file["path"] == export.name and by_file["reasons"] == {"after the window": 1, "another conversation": 1}
    assert minimisation["context"] == [{"id": "x:1", "why": ANCESTOR}, {"id": "x:7", "why": QUOTED}]
    assert minimisation["context_used_by"] == [
        {"conversation": "x:1", "finding": "first_escalation", "message_ids": ["x:1"]}
    ]
    assert {m.id: m.context_only for m in case.read.messages} == {
        "x:1": True,
        "x:2": False,
        "x:3": False,
        "x:5": False,
        "x:7": True,
    }
    assert "Bin collections" in every_output  # the quoted context is shown, marked


def test_a_prose_only_scope_is_analysed_with_a_warning(tmp_path, words):
    export, manifest = write_case(tmp_path, rules="")
    case = analyse_case([export], consent=manifest)

    assert len(case.read.messages) == len(ROWS)
    assert case.consent["minimisation"]["checked"] is False
    assert "prose only" in case.consent["minimisation"]["warning"]


def test_a_scope_that_keeps_nothing_is_refused(tmp_path, words):
    export, manifest = write_case(tmp_path, rules='\n[scope_rules]\nconversations = ["x:99"]\n')

    with pytest.raises(ConsentError, match=r"no message read is inside the manifest's scope_rules \(7 left out\)"):
        analyse_case([export], consent=manifest)


def test_the_scope_rules_are_part_of_the_consent_record(tmp_path):
    _, manifest = write_case(tmp_path)

    assert load_manifest(manifest).record()["scope_rules"] == {
        "conversations": ["x:1"],
        "from": "2026-03-02",
        "until": "2026-03-02",
    }


def test_inspect_with_consent_shows_what_is_in_and_out(tmp_path):
    from typer.testing import CliRunner

    from threadlens.cli import app

    export, manifest = write_case(tmp_path)
    result = CliRunner().invoke(app, ["inspect", str(export), "--consent", str(manifest), "--json"])

    assert result.exit_code == 0, result.output
    scope = json.loads(result.stdout)["scope"]
    assert scope["checked"] is True
    assert {m["id"]: m["status"] for m in scope["messages"]} == {
        "x:1": "context: " + ANCESTOR,
        "x:2": "in",
        "x:3": "in",
        "x:4": "out: after the window",
        "x:5": "in",
        "x:6": "out: another conversation",
        "x:7": "context: " + QUOTED,
    }
    table = CliRunner().invoke(app, ["inspect", str(export), "--consent", str(manifest)], env={"COLUMNS": "200"})
    assert re.search(r"5 in scope \(2 as context\), 2 left out", " ".join(table.output.split()))


UNRELATED = {
    "x:2028894496480256546": "Proud of the work our councillors do",
    "x:2028779920519623189": "Ward surgery this Saturday",
    "x:2028397915740144136": "Bin collections on Harrow Lane",
}


def test_the_sample_case_holds_only_the_disputed_conversation_in_every_output(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    import pandas as pd

    sample = Path(__file__).parent.parent / "sample_threads" / "pra-x-archive"
    out = tmp_path / "out"
    case = analyse_case([sample], out, consent=sample / "submission.toml")

    pdf = "".join(page.extract_text() for page in pypdf.PdfReader(out / "timeline.pdf").pages)
    texts = [p.read_text(encoding="utf-8") for p in out.iterdir() if p.suffix in (".json", ".csv", ".html")]
    texts += [pd.read_parquet(out / "messages.parquet").astype(str).to_csv(), " ".join(pdf.split())]
    assert "This is abuse" in texts[-1]  # the PDF's text is read
    for key, text in UNRELATED.items():
        for output in texts:
            assert text not in output and key.removeprefix("x:") not in output
    [conversation] = case.graph.conversations()
    assert conversation == "x:2028818216587677735"
    times = [m.created_at for m in case.read.messages]
    assert min(times).isoformat() >= "2026-03-03T13" and max(times).isoformat() < "2026-03-03T15"
    left_out = case.consent["minimisation"]["left_out_by_file"]
    assert [(item["path"].rsplit("/", 1)[-1], item["count"]) for item in left_out] == [("tweets.js", 3)]
