"""A panel's review: readings from a TOML file replace the scorer's, the findings are worked out again under the
same rules, every output says whose reading is whose, and a bad review file is one clear error."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.analysis.test_symmetry import AUTHORS, relabel_findings, relabel_rows, threads
from tests.test_cli import run_cli
from threadlens.analysis import analyse
from threadlens.definition import load_definition
from threadlens.errors import ReviewError
from threadlens.model import PanelReading, Review
from threadlens.pipeline import analyse_case
from threadlens.report.html import render_html
from threadlens.review import apply_review, load_review
from threadlens.thread import build_graph

THREAD = (
    "id,reply_to,author,created_at,text\n"
    "1,,ann,2024-03-01T18:00:00Z,Branch meeting moved to Thursday.\n"
    "2,1,bob,2024-03-01T18:05:00Z,Of course it was. Typical of your lot.\n"
    '3,2,ann,2024-03-01T18:09:00Z,"Get lost, you pathetic idiot."\n'
    "4,3,bob,2024-03-01T18:15:00Z,Everyone can see how she talks to members. That is abuse.\n"
)


def reading(message: str, level: str, **extra) -> str:
    fields = {"message": message, "level": level, "reason": "read in context", "reviewer": "P. Natarajan"} | extra
    body = "\n".join(
        f"{key} = {json.dumps(value) if not isinstance(value, bool) else str(value).lower()}"
        for key, value in fields.items()
    )
    return f"[[reading]]\n{body}\n"


@pytest.fixture
def case_files(tmp_path) -> tuple[Path, Path]:
    thread = tmp_path / "thread.csv"
    thread.write_text(THREAD, encoding="utf-8")
    return thread, tmp_path / "review.toml"


def test_a_reading_replaces_the_scorers_and_the_findings_follow(case_files, tmp_path):
    thread, review = case_files
    before = analyse_case([thread], allow_unconsented=True, reveal=True)
    assert before.findings.conversations[0].first_escalation.message_id == "generic:3"
    review.write_text(reading("generic:2", "rude", date="2026-12-01") + reading("generic:4", "civil", accuses=True))
    case = analyse_case([thread], allow_unconsented=True, reveal=True, review=review)
    conversation = case.findings.conversations[0]
    assert conversation.first_escalation.message_id == "generic:2"
    assert [(c.provocation, c.reaction, c.accusation) for c in conversation.chains] == [
        ("generic:2", "generic:3", "generic:4")
    ]
    assert any("first escalation: #2 by bob" in line for line in conversation.changed_by_review)
    panel = case.scores["generic:2"]
    assert panel.scorer == "panel" and panel.level == 2 and panel.replaces == before.scores["generic:2"]
    assert panel.reason.startswith(
        "panel: level 2 rude — 'read in context' (P. Natarajan, 2026-12-01); the scorer read"
    )
    assert all(r.message_id not in {"generic:2", "generic:4"} for r in conversation.readings_to_check)
    page = html.unescape(render_html(case))
    assert "2 rude (panel; the scorer read" in page and "panel: level 2 rude — 'read in context'" in page
    assert "first escalation: #2 by bob" in page


def test_findings_json_records_the_review_and_report_checks_it(case_files, tmp_path):
    thread, review = case_files
    review.write_text(reading("generic:2", "rude"))
    out = tmp_path / "out"
    result = run_cli(
        "analyse", str(thread), "--allow-unconsented", "--out", str(out), "--no-pdf", "--review", str(review)
    )
    assert result.returncode == 0, result.stderr
    document = json.loads((out / "findings.json").read_text())
    recorded = document["review"]
    assert recorded["path"] == "review.toml" and len(recorded["sha256"]) == 64
    assert (recorded["readings"][0]["message_id"], recorded["readings"][0]["level"]) == ("generic:2", 2)
    assert recorded["readings"][0]["scorer_level"] < 2
    conversation = document["conversations"][0]
    assert list(conversation)[:4] == ["id", "readings_to_check", "stands_however_read", "changed_by_review"]
    assert conversation["changed_by_review"]
    assert run_cli("report", str(out), "--no-pdf").returncode == 0
    review.write_text(reading("generic:2", "civil"))
    changed = run_cli("report", str(out), "--no-pdf")
    assert changed.returncode == 2 and "review file changed" in changed.stderr and "Traceback" not in changed.stderr
    applied = run_cli("report", str(out), "--no-pdf", "--review", str(review))
    assert applied.returncode == 0, applied.stderr
    assert json.loads((out / "findings.json").read_text())["review"]["readings"][0]["level"] == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (reading("generic:99", "civil"), "reading 1 (line 1): message 'generic:99' is not in this case"),
        (reading("generic:2", "furious"), "reading 1 (line 1): level 'furious' is not a level of definition"),
        (reading("generic:2", "civil") + reading("generic:3", "7"), "reading 2 (line 6): level 7 is not a level"),
        ('[[reading]]\nmessage = "generic:2"\nlevel = "civil"\nreviewer = "P. N."\n', "the reading has no reason"),
        ('[[reading]]\nmessage = "generic:2"\nlevel = "civil"\nreason = "joke"\n', "the reading has no reviewer"),
        (reading("generic:2", "civil", reason=" "), "reason is ' '"),
        (reading("generic:2", "civil", author="bob"), "never authors"),
        (reading("generic:2", "civil") + reading("generic:2", "rude"), "generic:2 is read twice"),
        (reading("generic:2", "civil", accuses="yes"), "accuses is 'yes'"),
        ("reading = [", "not a TOML file"),
        ("", "no [[reading]] entries"),
    ],
)
def test_a_bad_review_file_is_one_clear_error_naming_the_entry(case_files, tmp_path, content, expected):
    thread, review = case_files
    review.write_text(content)
    result = run_cli(
        "analyse", str(thread), "--allow-unconsented", "--out", str(tmp_path / "out"), "--review", str(review)
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert expected in " ".join(result.stderr.split())
    assert not (tmp_path / "out" / "findings.json").exists()


def test_load_review_reads_levels_by_name_or_number(case_files):
    thread, review = case_files
    definition = load_definition()
    graph = build_graph(analyse_case([thread], allow_unconsented=True, reveal=True).read.messages)
    scores = {key: None for key in graph.graph.nodes}
    review.write_text(reading("generic:1", "Robust") + reading("generic:2", 3))
    loaded = load_review(review, graph, scores, definition)
    assert [(r.message_id, r.level) for r in loaded.readings] == [("generic:1", 1), ("generic:2", 3)]
    with pytest.raises(ReviewError):
        load_review(review.with_name("absent.toml"), graph, scores, definition)


@settings(max_examples=60, deadline=None)
@given(threads(), st.permutations(AUTHORS), st.data())
def test_swapping_the_parties_of_a_case_and_its_review_swaps_the_findings(rows, permuted, data):
    """A review names messages only: relabelling the authors relabels the reviewed findings and nothing else."""
    definition = load_definition()
    judged = [m.id for m, s in rows if s is not None and not m.deleted]
    chosen = data.draw(st.lists(st.sampled_from(judged), unique=True, max_size=4)) if judged else []
    review = Review(
        "review.toml",
        "0" * 64,
        tuple(
            PanelReading(
                key, data.draw(st.integers(0, 4)), "checked", "panel", accuses=data.draw(st.none() | st.booleans())
            )
            for key in chosen
        ),
    )
    mapping = {f"generic:{a}": f"generic:{b}" for a, b in zip(AUTHORS, permuted, strict=True)}

    def reviewed(case_rows):
        scores = apply_review({m.id: s for m, s in case_rows if s is not None}, review, 2)
        return analyse(build_graph([m for m, _ in case_rows]), scores, definition)

    assert reviewed(relabel_rows(rows, mapping)) == relabel_findings(reviewed(rows), mapping)


def test_the_sample_case_round_trip_in_python(tmp_path):
    """analyse_case(review=...) on the sample X archive: a reading of the first escalation as civil moves it."""
    sample = Path(__file__).resolve().parent.parent / "sample_threads" / "pra-x-archive"
    copy = tmp_path / "case"
    shutil.copytree(sample, copy)
    case = analyse_case([copy], consent=copy / "submission.toml", key_dir=tmp_path / "keys")
    first = next(c.first_escalation for c in case.findings.conversations if c.first_escalation)
    review = tmp_path / "review.toml"
    review.write_text(reading(first.message_id, "civil"))
    reviewed = analyse_case([copy], consent=copy / "submission.toml", key_dir=tmp_path / "keys", review=review)
    conversation = next(c for c in reviewed.findings.conversations if first.message_id in c.message_ids)
    assert conversation.first_escalation is None or conversation.first_escalation.message_id != first.message_id
    assert conversation.changed_by_review


def test_readings_to_check_come_first_in_the_terminal_and_on_the_pdfs_first_page(case_files, tmp_path):
    from pypdf import PdfReader

    thread, _ = case_files
    out = tmp_path / "out"
    result = run_cli("analyse", str(thread), "--allow-unconsented", "--out", str(out), "--no-html")
    assert result.returncode == 0, result.stderr
    document = json.loads((out / "findings.json").read_text())
    sentences = [r["sentence"] for r in document["conversations"][0]["readings_to_check"]]
    assert 1 <= len(sentences) <= 3
    assert all(
        set(r) >= {"message_id", "level_now", "accuses_now", "if_read_as", "sentence"}
        for r in document["conversations"][0]["readings_to_check"]
    )
    assert document["conversations"][0]["stands_however_read"] is False
    output = " ".join(result.stdout.split())
    assert output.startswith("Readings to check")
    assert " ".join(sentences[0].split()) in output
    first_page = " ".join(PdfReader(out / "timeline.pdf").pages[0].extract_text().split())
    assert "Readings to check" in first_page
    assert sentences[0][:60] in first_page
