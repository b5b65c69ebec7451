"""Fetching an X conversation with tweepy, driven offline by recorded-format API responses."""

from __future__ import annotations

import json
import logging
import re
import sys

import pytest
import requests
import responses
from responses import matchers

from tests.fetch.fetch_support import (
    X_CONVERSATION,
    X_LOOKUP,
    X_NEXT_TOKEN,
    X_RECENT,
    X_ROUND1_IDS,
    X_ROUND2_IDS,
    FakeClock,
    all_text,
    fixture_json,
    read_pages,
    x_search_page,
    x_whole_conversation,
)
from threadlens.errors import ConsentError, FetchError
from threadlens.fetch.x import fetch_conversation

TOKEN = "AAAAAAAAAAAAAAAAAAAAAPrivate%2FBearer%2Btoken0123456789abcdef"
ARCHIVE = "https://api.twitter.com/2/tweets/search/all"


@pytest.fixture(autouse=True)
def bearer_token(monkeypatch):
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def fetch(tmp_path, consent, clock, console, **options):
    return fetch_conversation(
        X_CONVERSATION, consent=consent, out=tmp_path / "conversation.jsonl", clock=clock, console=console, **options
    )


def test_pages_ancestors_and_quoted_tweets_are_fetched_and_written_unchanged(api, tmp_path, consent, clock, console):
    x_whole_conversation(api)

    result = fetch(tmp_path, consent, clock, console)

    assert result.complete and result.pages == 4
    assert read_pages(result.out) == [
        fixture_json("x", name)
        for name in ("search_page1.json", "search_page2.json", "lookup_round1.json", "lookup_round2.json")
    ]
    first, second, round1, round2 = (call.request for call in api.calls)
    assert first.params["query"] == f"conversation_id:{X_CONVERSATION}"
    assert first.params["expansions"] == (
        "author_id,referenced_tweets.id,referenced_tweets.id.author_id,in_reply_to_user_id"
    )
    assert first.params["tweet.fields"] == (
        "created_at,conversation_id,in_reply_to_user_id,referenced_tweets,author_id,entities,edit_history_tweet_ids"
    )
    assert first.params["user.fields"] == "username,name"
    assert "next_token" not in first.params and second.params["next_token"] == X_NEXT_TOKEN
    # The root (older than 7 days) and a deleted parent are looked up; then the parent of the quoted tweet.
    assert round1.url.startswith(X_LOOKUP + "?") and round1.params["ids"] == X_ROUND1_IDS
    assert round1.params["expansions"] == first.params["expansions"]
    assert round2.params["ids"] == X_ROUND2_IDS
    assert clock.sleeps == []
    assert result.notes == ["referenced tweet(s) unavailable: 1898800000000000010 (Not Found Error)"]


def test_provenance_records_what_was_asked_when_and_under_which_consent(api, tmp_path, consent, clock, console):
    x_whole_conversation(api)

    result = fetch(tmp_path, consent, clock, console)

    assert result.provenance == tmp_path / "conversation.provenance.json"
    record = json.loads(result.provenance.read_text())
    assert record["platform"] == "x" and record["complete"] is True and record["incomplete_reason"] is None
    assert record["tool"]["name"] == "threadlens" and record["tool"]["client"].startswith("tweepy ")
    assert record["target"] == {
        "conversation_id": X_CONVERSATION,
        "query": f"conversation_id:{X_CONVERSATION}",
        "search": "recent",
    }
    assert record["started_at"] == "2026-03-10T12:00:00Z"
    assert [r["endpoint"] for r in record["requests"]] == [
        "GET /2/tweets/search/recent",
        "GET /2/tweets/search/recent",
        "GET /2/tweets",
        "GET /2/tweets",
    ]
    assert record["requests"][1]["params"]["next_token"] == X_NEXT_TOKEN
    assert all(r["outcome"] == "ok" for r in record["requests"])
    assert record["consent"]["case_id"] == "2026-031"
    assert record["consent"]["manifest"] == str(consent)
    import hashlib

    assert record["consent"]["sha256"] == hashlib.sha256(consent.read_bytes()).hexdigest()
    assert record["output"]["pages"] == 4
    assert record["output"]["sha256"] == hashlib.sha256(result.out.read_bytes()).hexdigest()
    assert not (tmp_path / "conversation.jsonl.part").exists()


def test_bearer_token_is_sent_but_never_written_or_logged(api, tmp_path, consent, clock, console, caplog):
    x_whole_conversation(api)
    caplog.set_level(logging.DEBUG)

    fetch(tmp_path, consent, clock, console)

    assert api.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in all_text(tmp_path)
    assert TOKEN not in caplog.text
    assert TOKEN not in console.file.getvalue()


def test_rate_limit_is_waited_out_with_a_countdown_on_the_injected_clock(api, tmp_path, consent, clock, console):
    reset = int(clock.now()) + 30
    x_search_page(
        api,
        fixture_json("x", "error_429.json"),
        status=429,
        headers={"x-rate-limit-limit": "450", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )
    x_whole_conversation(api)

    result = fetch(tmp_path, consent, clock, console)

    assert result.complete and result.pages == 4
    assert sum(clock.sleeps) == 31  # until the reset, plus one second's margin
    assert all(step <= 1 for step in clock.sleeps)  # counted down second by second
    shown = console.file.getvalue()
    assert "X rate limit reached (429)" in shown and "waiting 31 s" in shown
    record = json.loads(result.provenance.read_text())
    assert record["requests"][0]["outcome"] == "X rate limit reached (429)"
    assert record["requests"][0]["waited_seconds"] == 31


def test_rate_limit_resetting_too_late_stops_with_partial_output(api, tmp_path, consent, clock, console):
    x_search_page(api, fixture_json("x", "search_page1.json"))
    x_search_page(
        api,
        fixture_json("x", "error_429.json"),
        status=429,
        next_token=X_NEXT_TOKEN,
        headers={"x-rate-limit-reset": str(int(clock.now()) + 24 * 3600)},
    )

    with pytest.raises(FetchError, match="resets only at 2026-03-11T12:00:01Z") as caught:
        fetch(tmp_path, consent, clock, console)

    assert "Run the fetch again after that time" in str(caught.value)
    assert clock.sleeps == []
    assert read_pages(tmp_path / "conversation.jsonl") == [fixture_json("x", "search_page1.json")]


@pytest.mark.parametrize(
    ("status", "body", "message", "hint"),
    [
        (401, "error_401.json", "X rejected the bearer token (401 Unauthorized)", "X_BEARER_TOKEN"),
        (403, "error_403.json", "X refused the request (403 Forbidden)", "access level"),
    ],
)
def test_authorisation_errors_stop_with_a_clear_message(
    api, tmp_path, consent, clock, console, status, body, message, hint
):
    x_search_page(api, fixture_json("x", body), status=status)

    with pytest.raises(FetchError) as caught:
        fetch(tmp_path, consent, clock, console)

    text = str(caught.value)
    assert message in text and hint in text and "Nothing was fetched" in text
    assert TOKEN not in text
    assert len(api.calls) == 1  # not retried
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        ({"json": fixture_json("x", "error_503.json"), "status": 503}, "X server error (503)"),
        (
            {"body": requests.ConnectionError("Connection reset by peer")},
            "could not reach the X API at api.twitter.com (ConnectionError: Connection reset by peer)",
        ),
    ],
)
def test_failure_mid_conversation_keeps_partial_output_marked_incomplete(
    api, tmp_path, consent, clock, console, failure, expected
):
    x_search_page(api, fixture_json("x", "search_page1.json"))
    api.get(X_RECENT, match=[matchers.query_param_matcher({"next_token": X_NEXT_TOKEN}, strict_match=False)], **failure)

    with pytest.raises(FetchError, match=re.escape(expected)) as caught:
        fetch(tmp_path, consent, clock, console)

    out = tmp_path / "conversation.jsonl"
    assert f"kept in {out}" in str(caught.value) and "marked incomplete" in str(caught.value)
    assert sum(1 for call in api.calls if "next_token" in call.request.params) == 3  # tried, then retried twice
    assert clock.sleeps and sum(clock.sleeps) == 5 + 15
    assert read_pages(out) == [fixture_json("x", "search_page1.json")]
    record = json.loads((tmp_path / "conversation.provenance.json").read_text())
    assert record["complete"] is False
    assert expected in record["incomplete_reason"]
    assert record["output"]["pages"] == 1


def test_transient_error_is_retried_and_the_fetch_completes(api, tmp_path, consent, clock, console):
    x_search_page(api, fixture_json("x", "error_503.json"), status=503)
    x_whole_conversation(api)

    result = fetch(tmp_path, consent, clock, console)

    assert result.complete and result.pages == 4
    assert sum(clock.sleeps) == 5


def test_full_archive_search_pauses_a_second_between_pages(api, tmp_path, consent, clock, console):
    x_whole_conversation(api, url=ARCHIVE)

    result = fetch(tmp_path, consent, clock, console, archive=True)

    assert result.complete and api.calls[0].request.url.startswith(ARCHIVE)
    assert clock.sleeps == [1.0]
    assert json.loads(result.provenance.read_text())["target"]["search"] == "full-archive"


def test_lookup_rounds_stop_at_the_limit_and_say_what_was_not_followed(api, tmp_path, consent, clock, console):
    x_whole_conversation(api)

    result = fetch(tmp_path, consent, clock, console, max_rounds=1)

    assert result.complete and result.pages == 3
    assert "stopped after 1 lookup rounds; 1 referenced tweet(s) not fetched: 1897200000000000010" in result.notes


def test_no_consent_record_is_refused_before_anything_is_fetched(api, tmp_path, clock, console):
    with pytest.raises(ConsentError, match="consent record"):
        fetch(tmp_path, None, clock, console)
    assert len(api.calls) == 0
    assert list(tmp_path.iterdir()) == []


def test_consent_past_its_retention_date_is_refused(api, tmp_path, consent, console):
    later = FakeClock(start=4_000_000_000)  # 2096

    with pytest.raises(ConsentError, match="retention date 2027-03-31 has passed"):
        fetch(tmp_path, consent, later, console)
    assert len(api.calls) == 0


def test_missing_bearer_token_is_a_clear_error(api, tmp_path, consent, clock, console, monkeypatch):
    monkeypatch.delenv("X_BEARER_TOKEN")

    with pytest.raises(FetchError, match="X_BEARER_TOKEN is not set") as caught:
        fetch(tmp_path, consent, clock, console)
    assert "never from the command line" in str(caught.value)
    assert len(api.calls) == 0


def test_conversation_id_must_be_numeric(tmp_path, consent, clock, console):
    with pytest.raises(FetchError, match="not an X conversation id"):
        fetch_conversation("1.8975e18", consent=consent, out=tmp_path / "c.jsonl", clock=clock, console=console)


def test_cli_fetches_with_the_token_from_the_environment(api, tmp_path, consent, monkeypatch, capsys):
    from threadlens.cli import main

    x_whole_conversation(api)
    out = tmp_path / "conversation.jsonl"
    monkeypatch.setattr(
        sys,
        "argv",
        ["threadlens", "fetch", "x", "--conversation", X_CONVERSATION, "--consent", str(consent), "--out", str(out)],
    )

    with pytest.raises(SystemExit) as exited:
        main()

    captured = capsys.readouterr()
    assert exited.value.code == 0, captured.err
    assert "4 page(s), complete" in captured.out.replace("\n", "")
    assert "1898800000000000010 (Not Found Error)" in captured.err
    assert len(read_pages(out)) == 4


def test_cli_without_consent_is_refused_with_one_clear_message(tmp_path, monkeypatch, capsys):
    from threadlens.cli import main

    monkeypatch.setattr(
        sys, "argv", ["threadlens", "fetch", "x", "--conversation", X_CONVERSATION, "--out", str(tmp_path / "c.jsonl")]
    )

    with pytest.raises(SystemExit) as exited:
        main()

    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert "collection needs a consent record" in err and "--consent" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_an_id_that_is_not_a_conversations_first_tweet_is_explained(api, tmp_path, consent, clock, console):
    reply = "1898800000000000004"
    page = fixture_json("x", "search_page2.json")
    api.get(X_RECENT, json={"meta": {"result_count": 0}})
    api.get(X_LOOKUP, json={"data": [page["data"][0]], "includes": {"users": page["includes"]["users"]}})

    result = fetch_conversation(
        reply, consent=consent, out=tmp_path / "c.jsonl", clock=clock, console=console, max_rounds=1
    )

    assert api.calls[1].request.params["ids"] == reply
    assert result.notes[0] == (
        "the search found no tweets in conversation 1898800000000000004; recent search "
        "covers the last 7 days only (try --archive)"
    )
    assert result.notes[-1] == (
        "tweet 1898800000000000004 is a reply in conversation 1897500000000000001; "
        "fetch --conversation 1897500000000000001 for the whole conversation"
    )
