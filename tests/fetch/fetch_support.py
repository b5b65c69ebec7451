"""Helpers of the fetch tests: a fake clock and readers of fixtures and fetched files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from responses import RequestsMock, matchers

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "fetch"
START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC).timestamp()

X_CONVERSATION = "1897500000000000001"
X_RECENT = "https://api.twitter.com/2/tweets/search/recent"
X_LOOKUP = "https://api.twitter.com/2/tweets"
X_NEXT_TOKEN = "b26v89c19zqg8o3fr5qz3uzk6zk3y0qj6s6hmnnyjsgbh"
X_ROUND1_IDS = "1897500000000000001,1898800000000000010"
X_ROUND2_IDS = "1897200000000000010"


class FakeClock:
    """A clock whose sleep only moves its time forward, and remembers every sleep."""

    def __init__(self, start: float = START) -> None:
        self.time = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds


def fixture_json(*parts: str):
    """A recorded-format response body from ``tests/fixtures/fetch``."""
    return json.loads(FIXTURES.joinpath(*parts).read_text(encoding="utf-8"))


def read_pages(path: Path) -> list:
    """The JSON lines of a fetched file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def all_text(folder: Path) -> str:
    """Every file under ``folder`` as one text, to look for leaked secrets."""
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.rglob("*")) if p.is_file())


def x_search_page(api: RequestsMock, body, *, url=X_RECENT, next_token=None, status=200, headers=None) -> None:
    """Answer one search request for the fixture conversation (the page after ``next_token``)."""
    query = {"query": f"conversation_id:{X_CONVERSATION}"}
    if next_token:
        query["next_token"] = next_token
    api.get(
        url, json=body, status=status, headers=headers, match=[matchers.query_param_matcher(query, strict_match=False)]
    )


def x_lookup(api: RequestsMock, ids: str, body, status=200) -> None:
    """Answer one ``GET /2/tweets?ids=…`` request."""
    api.get(X_LOOKUP, json=body, status=status, match=[matchers.query_param_matcher({"ids": ids}, strict_match=False)])


def x_whole_conversation(api: RequestsMock, url=X_RECENT) -> None:
    """The fixture conversation: two search pages, then two rounds of looking up referenced tweets."""
    x_search_page(api, fixture_json("x", "search_page1.json"), url=url)
    x_search_page(api, fixture_json("x", "search_page2.json"), url=url, next_token=X_NEXT_TOKEN)
    x_lookup(api, X_ROUND1_IDS, fixture_json("x", "lookup_round1.json"))
    x_lookup(api, X_ROUND2_IDS, fixture_json("x", "lookup_round2.json"))
