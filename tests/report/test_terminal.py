"""Terminal tables: under 100 columns ids and times are shortened and low-value columns dropped; --wide shows all."""

from __future__ import annotations

from rich.console import Console

from tests.report.sample_case import build_sample_case
from threadlens.report.terminal import chain_lines, conversations_table, findings_table, short_id

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
    assert "bob_k at" in body and "3 (+0.15)" in body
    chain = chain_lines(case, wide=False)[0].plain
    assert "bob_k" in chain and "alice_h" in chain and "(provoker)" in chain
