"""Normalisation: masking, folding and obfuscation undone, spans kept in the original text."""

from __future__ import annotations

import pytest

from threadlens.scoring import get_scorer
from threadlens.scoring.normalise import FACTION, IDENTITY, NAME, URL, USER, normalise


@pytest.fixture(scope="module")
def tables():
    return get_scorer("lens").lexicon.tables


def norms(text, tables):
    return [t.norm for t in normalise(text, tables)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("you are an id1ot", "idiot"),
        ("stuuuupid", "stupid"),
        ("f u c k", "fuck"),
        ("f.u.c.k", "fuck"),
        ("fcuk", "fuck"),
        ("sh!t", "shit"),
        ("c*nt", "cunt"),
        ("youidiot", "idiot"),
        ("B1TCH", "bitch"),
    ],
)
def test_obfuscations_are_undone(text, expected, tables):
    assert expected in norms(text, tables)


def test_handles_urls_identities_factions_names_are_masked(tables):
    text = "@someone look https://x.com/a Tory-voter, Lib Dem; gay man, Mohammed"
    words = [t.norm for t in normalise(text, tables) if t.is_word]
    assert words == [USER, "look", URL, FACTION, FACTION, IDENTITY, NAME]


def test_spans_point_into_the_original_text(tables):
    text = "Oi @bob, you ST00PID id1ot!!"
    tokens = normalise(text, tables)
    assert [text[t.start : t.end] for t in tokens if t.is_word] == ["Oi", "@bob", "you", "ST00PID", "id1ot"]
    assert next(t for t in tokens if t.norm == "stupid").upper


def test_dialect_spellings_map_to_standard(tables):
    assert norms("dat game", tables) == norms("that game", tables)
    assert norms("he finna go", tables) == norms("he going to go", tables)


def test_pseudonymised_and_fediverse_handles_are_one_token(tables):
    assert norms("@Person-500eb1 hi", tables) == norms("@Person-ff8550 hi", tables) == [USER, "hi"]
    assert norms("@alice@mastodon.social hi", tables) == [USER, "hi"]
