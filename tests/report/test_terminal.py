"""Terminal tables: under 100 columns ids and times are shortened and low-value columns dropped; --wide shows all."""

from __future__ import annotations

from dataclasses import replace

from rich.console import Console

from tests.report.sample_case import build_sample_case
from threadlens.model import ConversationFindings
from threadlens.report.terminal import (
    brief_reason,
    chain_lines,
    conversations_table,
    findings_table,
    readings_lines,
    short_id,
)

SUMMARY = {
    "conversation_id": "x:2028818216587677735",
    "messages": 10,
    "participants": 4,
    "first": "2026-03-03T13:02:11Z",
    "last": "2026-03-03T14:10:44Z",
    "depth": 5,
    "missing_parents": 0,
    "edited": 0,
    "deleted": 0,
}


def _render(renderable, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text().splitlines()


def test_ids_keep_their_platform_and_both_ends():
    assert short_id("x:2028818216587677735", wide=False) == "x:2028…677735"
    assert short_id("x:2028818216587677735", wide=True) == "x:2028818216587677735"
    assert short_id("x:12345", wide=False) == "x:12345"


def test_inspect_table_fits_80_columns_without_cutting_a_value():
    lines = _render(conversations_table([SUMMARY], width=80, wide=False), 80)
    assert max(map(len, lines)) <= 80
    body = "\n".join(lines)
    assert "x:2028…677735" in body and "2026-03-03 13:02" in body and "2026-03-03 14:10" in body
    assert "depth" not in lines[0] and "--wide" in body


def test_wide_tables_show_every_column_and_whole_ids():
    body = "\n".join(_render(conversations_table([SUMMARY], width=80, wide=True), 200))
    assert "x:2028818216587677735" in body and "2026-03-03 13:02:11" in body and "depth" in body


def test_analyse_table_and_chain_lines_fit_80_columns():
    case = build_sample_case()
    lines = _render(findings_table(case, width=80, wide=False), 80)
    assert max(map(len, lines)) <= 80
    body = "\n".join(lines)
    assert "bob_k at" in body and "3 +0.15" in body
    chain = chain_lines(case, wide=False)[0].plain
    assert "bob_k" in chain and "alice_h" in chain and "(provoker)" in chain


def _large_case(conversations: int, with_findings: tuple[int, ...]):
    """The sample case among ``conversations`` conversations, its findings in those numbered ``with_findings``; the
    others quiet, every fifth inconclusive for a missing message with a long id."""
    case = build_sample_case()
    found = case.findings.conversations[0]
    items = []
    for number in range(conversations):
        key = f"mastodon:https://social.example/users/member{number}/statuses/{116047652585476099 + number}"
        if number in with_findings:
            items.append(replace(found, conversation_id=key))
        elif number % 5 == 0:
            reason = f"1 message(s) missing from the export could hold an escalation: {key}/replies/1"
            items.append(ConversationFindings(key, (), None, inconclusive=True, inconclusive_reasons=(reason,)))
        else:
            items.append(ConversationFindings(key, (), None))
    case.findings = replace(case.findings, conversations=items)
    return case


def test_a_large_case_fits_one_screen_and_names_the_conversations_with_findings():
    case = _large_case(1000, with_findings=(17, 481, 999))
    lines = [line for text in readings_lines(case, wide=False) for line in _render(text, 80)]
    assert lines and len(lines) <= 6
    lines += _render(findings_table(case, width=80, wide=False), 80)
    lines += [line for chain in chain_lines(case, wide=False) for line in _render(chain, 80)]
    assert len(lines) <= 22 and max(map(len, lines)) <= 80  # room left on an 80×24 screen for the lines around it
    body = "\n".join(lines)
    named = [short_id(case.findings.conversations[n].conversation_id, wide=False) for n in (17, 481, 999)]
    assert all(key in body for key in named), body
    assert "997 more without findings (200 inconclusive): --all lists them" in " ".join(body.split())


def test_all_lists_every_conversation_those_with_findings_first():
    case = _large_case(30, with_findings=(17,))
    body = "\n".join(_render(findings_table(case, width=80, wide=False, every=True), 80))
    assert "--all" not in body
    rows = [line for line in body.splitlines() if line.startswith(" mastodon:")]  # footnotes begin "[n]"
    assert len(rows) == 30 and "bob_k" in rows[0]


def test_an_inconclusive_reason_is_a_few_words_and_a_short_id():
    key = "mastodon:https://social.example/users/bea_lowther/statuses/116047652585476099"
    reason = f"2 message(s) missing from the export could hold an escalation: {key}, {key}/2"
    assert brief_reason(reason, wide=False) == "2 message(s) missing from… (mastodon:http…476099, +1)"
    assert brief_reason(reason, wide=True) == reason
