"""Merging several exports of one case: one message per id, every source kept, no text silently lost."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from threadlens.ingest.merge import merge_messages, merge_with_conflicts
from threadlens.model import Conflict, Message, Revision, Source

AT = datetime(2026, 3, 6, 13, 2, 5, tzinfo=UTC)


def record(text: str, *, file: str, **fields) -> Message:
    defaults = {
        "id": "x:2029905358261502168",
        "platform": "x",
        "author_id": "x:783214",
        "author_name": "alex_r",
        "created_at": AT,
    }
    return Message(text=text, sources=(Source(file, "$[0]", file * 4, "x-api-v2"),), **{**defaults, **fields})


def test_distinct_ids_pass_through_unchanged_in_order():
    first, second = record("one", file="a", id="x:2"), record("two", file="a", id="x:1")
    merged = merge_messages([first, second])
    assert merged == [first, second]
    assert merged[0] is first


def test_one_message_per_id_in_first_seen_order_with_every_source():
    a1, b, a2 = record("same", file="a"), record("other", file="a", id="x:9"), record("same", file="b")
    merged = merge_messages([a1, b, a2])
    assert [m.id for m in merged] == [a1.id, "x:9"]
    assert [s.path for s in merged[0].sources] == ["a", "b"]
    assert merged[0].edits == ()


def test_identical_sources_are_kept_once():
    a = record("same", file="a")
    assert merge_messages([a, replace(a)])[0].sources == a.sources


def test_differing_texts_become_edit_history_with_their_source():
    archive = record("You lot are a rabble", file="archive", edited_from=("x:1", "x:2029905358261502168"))
    snapshot = record("You lot are rabble", file="api")
    merged = merge_messages([snapshot, archive])[0]
    assert merged.text == "You lot are a rabble"  # knows more of the edit history
    assert merged.edits == (Revision(merged.id, "You lot are rabble", AT, snapshot.sources[0]),)
    assert merged.edited_from == ("x:1", "x:2029905358261502168")


def test_later_version_wins_within_one_file():
    early = record("first words", file="a")
    late = record("second words", file="a", created_at=AT.replace(minute=9))
    merged, conflicts = merge_with_conflicts([early, late])
    assert merged[0].text == "second words"
    assert [r.text for r in merged[0].edits] == ["first words"]
    assert conflicts == []


def test_a_forged_later_copy_from_another_file_does_not_replace_the_original():
    original = record("You lot are a rabble", file="archive")
    forged = record("Have a lovely day", file="panel-notes", created_at=AT.replace(second=6))
    (merged,), (conflict,) = merge_with_conflicts([original, forged])
    assert merged.text == "You lot are a rabble"
    assert [(r.text, r.source.path) for r in merged.edits] == [("Have a lovely day", "panel-notes")]
    assert [s.path for s in merged.sources] == ["archive", "panel-notes"]
    assert conflict == Conflict(merged.id, ("text",), (original.sources[0], forged.sources[0]))


def test_two_authors_for_one_id_keep_both_and_are_a_conflict():
    first = record("same words", file="a")
    second = record("same words", file="b", author_id="x:999", author_name="mallory")
    (merged,), (conflict,) = merge_with_conflicts([first, second])
    assert merged.author_id == "x:783214"
    assert [(r.author_id, r.author_name, r.source.path) for r in merged.edits] == [("x:999", "mallory", "b")]
    assert conflict.fields == ("author",) and [s.path for s in conflict.sources] == ["a", "b"]


def test_an_edit_the_platform_recorded_is_no_conflict():
    earlier = Revision("x:2029905358261502168", "You lot are rabble", AT)
    edited = record("You lot are a rabble", file="archive", edits=(earlier,))
    snapshot = record("You lot are rabble", file="api")
    assert merge_with_conflicts([snapshot, edited])[1] == []
    assert merge_with_conflicts([record("x", file="a"), record("", file="b", deleted=True)])[1] == []


def test_first_seen_wins_ties_deterministically():
    merged = merge_messages([record("A", file="a"), record("B", file="b")])[0]
    assert merged.text == "A"
    assert [r.text for r in merged.edits] == ["B"]


def test_a_message_read_as_itself_beats_a_context_copy():
    context = record("context copy", file="a", context_only=True)
    own = record("own copy", file="b")
    merged = merge_messages([context, own])[0]
    assert merged.text == "own copy"
    assert not merged.context_only
    assert merge_messages([context, replace(context)])[0].context_only


def test_deleted_anywhere_marks_deleted_but_keeps_the_text():
    kept = record("You absolute idiot", file="archive")
    gone = record("", file="deleted-list", deleted=True)
    merged = merge_messages([gone, kept])[0]
    assert merged.deleted
    assert merged.text == "You absolute idiot"
    assert merged.edits == ()


def test_mentions_union_missing_children_max_and_blanks_filled():
    a = record("hi", file="a", mentions=("x:1",), missing_children=2, reply_to=None)
    b = record("hi", file="b", mentions=("x:2", "x:1"), missing_children=5, reply_to="x:77", author_name="")
    merged = merge_messages([a, b])[0]
    assert merged.mentions == ("x:1", "x:2")
    assert merged.missing_children == 5
    assert merged.reply_to == "x:77"
    assert merged.author_name == "alex_r"


def test_existing_edit_histories_are_combined_once():
    earlier = Revision("x:1", "old", AT)
    a = record("new", file="a", edits=(earlier,))
    b = record("new", file="b", edits=(earlier, Revision("x:1", "older", AT)))
    assert [r.text for r in merge_messages([a, b])[0].edits] == ["old", "older"]


def test_inputs_are_not_modified_and_result_is_deterministic():
    a, b = record("A", file="a"), record("B", file="b", deleted=True)
    before = (replace(a), replace(b))
    assert merge_messages([a, b]) == merge_messages([a, b])
    assert (a, b) == before
