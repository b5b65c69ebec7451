"""Issue 14's hostile-tester probes, end to end through the command line: each ends with exit 2 and a clear
message, or with a counted problem in findings.json, and never with a traceback."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

from tests.test_cli import run_cli
from threadlens.limits import MAX_SCORED_CHARS

HEADER = "id,reply_to,author,created_at,text\n"


def rows(count: int, start: int = 1) -> str:
    return "".join(
        f"{n},{n - 1 if n > 1 else ''},user{n % 2},2026-03-0{1 + n % 5}T09:00:{n:02d}Z,message {n}\n"
        for n in range(start, start + count)
    )


def analyse(tmp_path: Path, *paths: Path, pdf: bool = False, out: Path | None = None) -> tuple[int, str, dict]:
    """Run ``threadlens analyse`` on ``paths``; its exit code, stderr and findings.json (empty when none)."""
    out = out or tmp_path / "out"
    result = run_cli(
        "analyse",
        *map(str, paths),
        "--allow-unconsented",
        "--out",
        str(out),
        "--key-dir",
        str(tmp_path / "keys"),
        "--no-html",
        *(() if pdf else ("--no-pdf",)),
    )
    assert "Traceback" not in result.stderr + result.stdout
    findings = out / "findings.json"
    record = json.loads(findings.read_text(encoding="utf-8")) if findings.exists() else {}
    return result.returncode, result.stderr, record


def messages(findings: dict) -> int:
    return sum(item["messages"] for item in findings["inputs"])


def test_an_unclosed_quote_rejects_its_row_and_the_rest_are_read(tmp_path):
    export = tmp_path / "thread.csv"
    export.write_text(HEADER + rows(2) + '3,2,user1,2026-03-01T09:00:03Z,"he said hello there\n' + rows(7, 4))
    code, _, findings = analyse(tmp_path, export)
    assert code == 0 and messages(findings) == 9 and findings["problems"]["count"] >= 1


def test_a_forged_copy_of_a_message_is_a_reported_conflict(tmp_path):
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "thread.csv").write_text(HEADER + rows(4))
    (tmp_path / "case" / "panel-notes.csv").write_text(HEADER + "2,1,user0,2026-03-03T09:00:03Z,friendly words\n")
    code, _, findings = analyse(tmp_path, tmp_path / "case")
    assert code == 0 and [c["message_id"] for c in findings["conflicts"]] and findings["problems"]["count"] >= 1


def test_a_zip_with_a_bad_crc_is_a_clear_error(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as handle:
        handle.writestr("thread.csv", HEADER + rows(3))
    data = bytearray(archive.read_bytes())
    data[data.index(b"message 1")] ^= 0x20
    archive.write_bytes(bytes(data))
    code, err, _ = analyse(tmp_path, archive)
    assert code == 2 and "export.zip" in err


def test_absurd_timestamps_reject_their_records_only(tmp_path):
    export = tmp_path / "thread.csv"
    export.write_text(
        HEADER + rows(2) + "3,2,user1,99999999999999999999,a\n4,2,user0,1e300,b\n"
        "5,2,user1,9999-12-31T23:59:59-01:00,c\n6,2,user0,0001-01-01T00:00:00+01:00,d\n"
    )
    code, _, findings = analyse(tmp_path, export)
    assert code == 0 and messages(findings) == 2 and findings["problems"]["count"] == 4


def test_a_thousand_emoji_make_a_pdf(tmp_path):
    export = tmp_path / "thread.csv"
    export.write_text(
        HEADER + rows(1) + "2,1,user0,2026-03-02T09:00:00Z," + "\U0001f621" * 1000 + "\n", encoding="utf-8"
    )
    code, _, findings = analyse(tmp_path, export, pdf=True)
    assert code == 0 and messages(findings) == 2 and (tmp_path / "out" / "timeline.pdf").stat().st_size > 0


def test_an_empty_folder_is_exit_2(tmp_path):
    (tmp_path / "empty").mkdir()
    code, err, findings = analyse(tmp_path, tmp_path / "empty")
    assert code == 2 and "empty" in err and not findings


def test_an_output_folder_inside_the_input_is_not_read_back(tmp_path):
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "thread.csv").write_text(HEADER + rows(4))
    first = analyse(tmp_path, tmp_path / "case", out=tmp_path / "case" / "out")
    second = analyse(tmp_path, tmp_path / "case", out=tmp_path / "case" / "out")
    assert first[0] == second[0] == 0 and messages(first[2]) == messages(second[2]) == 4
    assert first[2]["conversations"] == second[2]["conversations"]
    [skipped] = second[2]["problems"]["items"]
    assert skipped["path"] == "case/out" and "analysis output folder" in skipped["reason"]


def test_a_one_megabyte_message_is_scored_in_part_quickly_and_says_so(tmp_path):
    from threadlens.pipeline import analyse_case

    export = tmp_path / "thread.csv"
    export.write_text(HEADER + rows(1) + "2,1,user0,2026-03-02T09:00:00Z," + "you idiot " * 100_000 + "\n")
    started = time.perf_counter()
    case = analyse_case([export], tmp_path / "out", allow_unconsented=True, key_dir=tmp_path / "keys", html=False)
    assert time.perf_counter() - started < 300
    [long] = [message.id for message in case.graph.messages() if len(message.text) > MAX_SCORED_CHARS]
    cut = case.scores[long].evidence[-1]
    assert (cut.name, cut.start, cut.end, cut.contribution) == ("cut", MAX_SCORED_CHARS, 1_000_000, 0.0)
    assert "SHA-256" in cut.text and "1,000,000" in cut.text
    assert case.scores[long].hostile


def test_score_texts_scores_only_the_first_characters():
    from threadlens.scoring import score_texts

    short, long = score_texts(["you idiot", "you idiot " + "x" * MAX_SCORED_CHARS])
    assert short.evidence[-1].name != "cut" and long.evidence[-1].name == "cut"
    assert all(item.end <= MAX_SCORED_CHARS for item in long.evidence[:-1])
