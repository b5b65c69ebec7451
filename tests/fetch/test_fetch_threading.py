"""A fetched conversation reads back through the ingest readers and threads as it should, and as an export does."""

from __future__ import annotations

import warnings

import httpx
import pytest
import responses
from atproto import Client
from atproto_client.request import Request

import threadlens
from tests.fetch.fetch_support import FIXTURES, fixture_json, x_whole_conversation
from threadlens.fetch.bluesky import fetch_thread as fetch_bluesky
from threadlens.fetch.mastodon import fetch_thread as fetch_mastodon
from threadlens.fetch.x import fetch_conversation

X_REPLIES = {
    ("x:1897500000000000001", "x:1897500000000000002"),
    ("x:1897500000000000002", "x:1898800000000000003"),
    ("x:1898800000000000003", "x:1898800000000000004"),
    ("x:1898800000000000004", "x:1898800000000000005"),
    ("x:1898800000000000005", "x:1898800000000000006"),
    ("x:1898800000000000005", "x:1898800000000000007"),
    ("x:1898800000000000010", "x:1898800000000000011"),  # the parent was deleted: a placeholder
    ("x:1897200000000000010", "x:1897200000000000020"),  # the quoted tweet's own thread
}
X_QUOTES = {("x:1897200000000000020", "x:1897500000000000001")}


def edges(graph, kind: str) -> set[tuple[str, str]]:
    return {(parent, child) for parent, child, data in graph.graph.edges(data=True) if data["kind"] == kind}


def read_graph(*paths):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a record the reader could not use would be a failure here
        messages = threadlens.read(*paths)
    return threadlens.build_graph(messages)


@pytest.fixture
def x_fetched(tmp_path, consent, clock, console, monkeypatch):
    monkeypatch.setenv("X_BEARER_TOKEN", "test-bearer-token")
    with responses.RequestsMock() as api:
        x_whole_conversation(api)
        result = fetch_conversation(
            "1897500000000000001", consent=consent, out=tmp_path / "conversation.jsonl", clock=clock, console=console
        )
    return result.out


def test_fetched_x_conversation_threads_into_the_expected_graph(x_fetched):
    graph = read_graph(x_fetched)

    assert edges(graph, "reply") == X_REPLIES
    assert edges(graph, "quote") == X_QUOTES
    missing = {node for node, data in graph.graph.nodes(data=True) if data["missing"]}
    assert missing == {"x:1898800000000000010"}
    alice = graph.message("x:1898800000000000005")
    assert alice.author_id == "x:783214001" and alice.author_name
    assert alice.conversation_id in ("1897500000000000001", "x:1897500000000000001")
    assert alice.text.startswith("@bob_kerr Call my friends dogs")


def test_fetched_x_conversation_threads_identically_to_the_parties_archives(x_fetched):
    archives = [FIXTURES / "x" / "archives" / who / "data" for who in ("alice", "bob", "carol", "dave")]

    fetched, exported = read_graph(x_fetched), read_graph(*archives)

    assert edges(fetched, "reply") == edges(exported, "reply") == X_REPLIES
    real = {node for node, data in fetched.graph.nodes(data=True) if not data["missing"]}
    assert real == {node for node, data in exported.graph.nodes(data=True) if not data["missing"]}
    for node in real:
        assert fetched.message(node).text == exported.message(node).text, node
        assert fetched.message(node).created_at == exported.message(node).created_at, node


def test_fetched_mastodon_thread_threads_into_the_expected_graph(tmp_path, consent, clock, console, monkeypatch):
    monkeypatch.delenv("MASTODON_ACCESS_TOKEN", raising=False)
    status_url = "https://social.example/api/v1/statuses/113960000000000003"
    with responses.RequestsMock() as api:
        api.get(status_url, json=fixture_json("mastodon", "status.json"))
        api.get(f"{status_url}/context", json=fixture_json("mastodon", "context.json"))
        result = fetch_mastodon(
            "113960000000000003",
            consent=consent,
            out=tmp_path / "thread.json",
            instance="https://social.example",
            clock=clock,
            console=console,
        )

    graph = read_graph(result.out)

    bob, alice, carol = (
        "mastodon:https://mastodon.example/users/bob/statuses/",
        "mastodon:https://social.example/users/alice/statuses/",
        "mastodon:https://social.example/users/carol/statuses/",
    )
    assert edges(graph, "reply") == {
        (f"{bob}113958800000000501", f"{alice}113960000000000002"),
        (f"{alice}113960000000000002", f"{bob}113958800000000577"),
        (f"{bob}113958800000000577", f"{alice}113960000000000004"),
        (f"{bob}113958800000000577", f"{carol}113960000000000005"),
        (f"{alice}113960000000000004", f"{bob}113958800000000640"),
    }
    assert not any(data["missing"] for _, data in graph.graph.nodes(data=True))
    assert graph.message(f"{alice}113960000000000004").text == "@bob Call my friends dogs again. Pathetic & cowardly."
    assert graph.message(f"{bob}113958800000000577").author_id == "mastodon:bob@mastodon.example"


def test_fetched_bluesky_thread_threads_into_the_expected_graph(tmp_path, consent, clock, console):
    thread = fixture_json("bluesky", "thread.json")
    client = Client(
        base_url="https://public.api.bsky.app",
        request=Request(transport=httpx.MockTransport(lambda request: httpx.Response(200, json=thread))),
    )
    focal = "at://did:plc:ragtjsm2j2vknwkz3zp4oxrd/app.bsky.feed.post/3lk2xvt7wfc2a"
    result = fetch_bluesky(
        focal, consent=consent, out=tmp_path / "thread.json", client=client, clock=clock, console=console
    )

    graph = read_graph(result.out)

    alice, bob, carol = (
        f"bsky:at://did:plc:{did}/app.bsky.feed.post/"
        for did in ("w4xbfzo7kqfes5zb7r6qv3rw", "ragtjsm2j2vknwkz3zp4oxrd", "vwzwgnygau7ed7b7wt5ux7y2")
    )
    assert edges(graph, "reply") == {
        (f"{bob}3lk2xq7vmbs2c", f"{alice}3lk2xs4nd3k2p"),
        (f"{alice}3lk2xs4nd3k2p", f"{bob}3lk2xvt7wfc2a"),
        (f"{bob}3lk2xvt7wfc2a", f"{alice}3lk2xxqhr2s2t"),
        (f"{bob}3lk2xvt7wfc2a", f"{carol}3lk2y3fzcgk2w"),
        (f"{alice}3lk2xxqhr2s2t", f"{bob}3lk2ybp6xtc2f"),
    }
    assert graph.message(f"{bob}3lk2xvt7wfc2a").author_id == "bsky:did:plc:ragtjsm2j2vknwkz3zp4oxrd"
