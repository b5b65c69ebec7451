"""A realistic case built by hand: hostile payloads, Unicode samples, a placeholder and a P→R→A chain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import networkx as nx

from threadlens.model import (
    Case,
    Chain,
    Completeness,
    ConversationFindings,
    DefinitionRef,
    Escalation,
    Evidence,
    Findings,
    InputFile,
    Message,
    Participant,
    Problem,
    ReadResult,
    Score,
    Source,
    ThreadGraph,
)

SCRIPT_PAYLOAD = "<script>window.__pwned=1</script>"
IMG_PAYLOAD = '<img src=x onerror="window.__pwned=1">'
LINK_PAYLOAD = '[click me](javascript:window.__pwned=1) <a href="javascript:window.__pwned=1">here</a>'
UNICODE_SAMPLES = ("😡🔥", "هذا إساءة", "这是骚扰", "Ça suffit, Zoë")
INPUT_SHA = "3f" * 32
DEFINITION_SHA = "a1" * 32
CONVERSATION = "reddit:t3_council"
START = datetime(2024, 3, 1, 18, 0, tzinfo=UTC)

# id, author id, author name, minutes after START, text, reply_to, quote_of, level, evidence words, accusation
ROWS = (
    (
        "reddit:t1_a1",
        "reddit:alice_h",
        "alice_h",
        0,
        "Council meeting tonight at 7, everyone welcome.",
        None,
        None,
        0,
        (),
        False,
    ),
    (
        "reddit:t1_b1",
        "reddit:bob_k",
        "bob_k",
        5,
        "Typical rabble from the Trots. You lot are dogs.",
        "reddit:t1_a1",
        None,
        3,
        ("rabble", "Trots", "dogs"),
        False,
    ),
    (
        "reddit:t1_a2",
        "reddit:alice_h",
        "alice_h",
        9,
        "How dare you call us dogs, you idiot! 😡🔥 Ça suffit, Zoë",
        "reddit:t1_b1",
        None,
        2,
        ("idiot",),
        False,
    ),
    (
        "reddit:t1_b2",
        "reddit:bob_k",
        "bob_k",
        14,
        "Everyone see this? alice_h is being abusive, this is harassment.",
        "reddit:t1_a2",
        None,
        1,
        ("abusive", "harassment"),
        True,
    ),
    (
        "reddit:t1_c1",
        "reddit:participant-7f3a",
        "participant-7f3a",
        7,
        f"{SCRIPT_PAYLOAD} هذا إساءة",
        "reddit:t1_a1",
        None,
        0,
        (),
        False,
    ),
    (
        "reddit:t1_d1",
        "reddit:dora",
        "dora",
        20,
        f"{IMG_PAYLOAD} 这是骚扰 {LINK_PAYLOAD}",
        "reddit:t1_gone",
        None,
        1,
        ("骚扰",),
        False,
    ),
    (
        "reddit:t1_e1",
        "reddit:erin",
        "erin",
        25,
        "“abusive”? </script><!-- \u2028 Both of you calm down.",
        None,
        "reddit:t1_b2",
        0,
        (),
        False,
    ),
)


def _message(row: tuple) -> Message:
    message_id, author_id, name, minutes, text, reply_to, quote_of, *_ = row
    return Message(
        id=message_id,
        platform="reddit",
        author_id=author_id,
        author_name=name,
        created_at=START + timedelta(minutes=minutes),
        text=text,
        reply_to=reply_to,
        quote_of=quote_of,
        conversation_id=CONVERSATION,
        sources=(Source("export/council.json", f"$[{ROWS.index(row)}]", INPUT_SHA, "reddit-json"),),
    )


def _score(row: tuple) -> Score:
    text, level, words, accusation = row[4], row[7], row[8], row[9]
    evidence = tuple(
        Evidence(text.index(word), text.index(word) + len(word), word, "lexicon", f"insult/{word}", 0.2, "insult")
        for word in words
    )
    return Score(
        value=min(0.2 * level + 0.05, 1.0),
        level=level,
        hostile=level >= 2,
        categories=("insult",) if words else (),
        evidence=evidence,
        scorer="lexicon",
        version="1",
        accusation=accusation,
        spans=tuple((e.start, e.end) for e in evidence),
    )


def build_sample_case() -> Case:
    """Seven messages and one placeholder in one conversation, scored and analysed by hand."""
    messages = [_message(row) for row in ROWS]
    placeholder = Message(
        id="reddit:t1_gone",
        platform="reddit",
        author_id="",
        author_name="",
        created_at=None,
        text="",
        conversation_id=CONVERSATION,
    )
    graph = nx.DiGraph()
    for message in messages:
        graph.add_node(message.id, message=message, missing=False)
    graph.add_node(placeholder.id, message=placeholder, missing=True)
    for message in messages:
        if message.reply_to:
            graph.add_edge(message.reply_to, message.id, kind="reply")
        if message.quote_of:
            graph.add_edge(message.quote_of, message.id, kind="quote")
    replies = nx.DiGraph([(u, v) for u, v, kind in graph.edges(data="kind") if kind == "reply"])
    for node in graph:
        # The node attributes build_graph sets: one conversation here, depth along reply links.
        ancestors = nx.ancestors(replies, node) if node in replies else set()
        graph.nodes[node].update(conversation=CONVERSATION, depth=len(ancestors))
    order = [placeholder.id, *(m.id for m in sorted(messages, key=lambda m: m.created_at))]
    completeness = Completeness(messages=len(messages), placeholders=1, missing_parents=("reddit:t1_gone",))
    graph.graph["conversations"] = {CONVERSATION: order}
    graph.graph["completeness"] = {CONVERSATION: completeness}
    scores = {row[0]: _score(row) for row in ROWS}
    times = {m.id: m.created_at for m in messages}
    escalation = Escalation(
        message_id="reddit:t1_b1",
        author_id="reddit:bob_k",
        created_at=times["reddit:t1_b1"],
        level=3,
        parent_id="reddit:t1_a1",
        parent_level=0,
        step=3,
        reasons=("level 3 abusive after a civil message (step +3)", "insults: rabble, Trots, dogs"),
        margin=0.15,
    )
    chain = Chain(
        provocation="reddit:t1_b1",
        reaction="reddit:t1_a2",
        accusation="reddit:t1_b2",
        authors=("reddit:bob_k", "reddit:alice_h", "reddit:bob_k"),
        times=(times["reddit:t1_b1"], times["reddit:t1_a2"], times["reddit:t1_b2"]),
        gaps_seconds=(240.0, 300.0),
        accuser_role="provoker",
    )
    participants = [
        Participant("reddit:bob_k", "bob_k", 2, 3, 2.0, "reddit:t1_b1", escalations=1, accusations_made=1),
        Participant("reddit:alice_h", "alice_h", 2, 2, 1.0, "reddit:t1_a2", reactions=1, accusations_received=1),
        Participant("reddit:participant-7f3a", "participant-7f3a", 1, 0, 0.0),
        Participant("reddit:dora", "dora", 1, 1, 1.0),
        Participant("reddit:erin", "erin", 1, 0, 0.0),
    ]
    findings = Findings(
        definition=DefinitionRef("default", DEFINITION_SHA, "1.0"),
        scorer="lexicon 1",
        conversations=[
            ConversationFindings(
                conversation_id=CONVERSATION,
                message_ids=tuple(order),
                first_escalation=escalation,
                chains=(chain,),
                completeness=completeness,
            )
        ],
        chains=[chain],
        participants=participants,
    )
    read = ReadResult(
        messages=messages,
        inputs=[InputFile("export/council.json", INPUT_SHA, "reddit-json", records=8, messages=7, rejected=1)],
        problems=[Problem("export/council.json", "$[7]", "record has no id <b>bold</b>")],
    )
    consent = {
        "case": "HR-2024-017",
        "parties": ["reddit:alice_h", "reddit:bob_k"],
        "consented_at": "2024-03-05T09:00:00Z",
        "signed_by": "Zoë Ça <panel@example.org>",
    }
    return Case(
        read=read,
        graph=ThreadGraph(graph),
        scores=scores,
        findings=findings,
        consent=consent,
        options={"format": "auto", "strict": False, "reveal": False, "pseudonymised": True},
    )


def with_unrelated_conversations(case: Case, count: int = 3, hours_before: float = 24.0) -> Case:
    """``case`` plus ``count`` one-message conversations from ``hours_before`` hours earlier: they stretch a
    whole-case time axis the way unrelated messages of the day before do."""
    for index in range(count):
        message = Message(
            id=f"reddit:t3_old{index}",
            platform="reddit",
            author_id="reddit:news_desk",
            author_name="news_desk",
            created_at=START - timedelta(hours=hours_before - index),
            text=f"Unrelated notice {index}.",
            conversation_id=f"reddit:t3_old{index}",
        )
        case.read.messages.append(message)
        case.graph.graph.add_node(message.id, message=message, missing=False, conversation=message.id, depth=0)
        case.graph.graph.graph["conversations"] = {message.id: [message.id], **case.graph.conversations()}
        case.graph.graph.graph["completeness"][message.id] = Completeness(messages=1)
        case.scores[message.id] = Score(0.02, 0, False, (), (), "lexicon", "1")
        case.findings.conversations.insert(0, ConversationFindings(message.id, (message.id,), None))
    return case


def build_large_case(conversations: int = 40, per_conversation: int = 50) -> Case:
    """``conversations`` conversations of ``per_conversation`` messages over several days, each with a provocation,
    a reaction and an accusation, analysed by the real analysis from hand-made scores."""
    from threadlens.analysis import analyse
    from threadlens.thread import build_graph

    messages: list[Message] = []
    scores: dict[str, Score] = {}
    for c in range(conversations):
        begin = START + timedelta(hours=5 * c)
        for n in range(per_conversation):
            level, accusation, reply = 0, False, n - 1 if n else None
            if n == 10:
                level = 3
            elif n == 11:
                level = 2
            elif n == 12:
                accusation = True
            author = {9: "a", 10: "b", 11: "a", 12: "b"}.get(n, f"p{n % 7}")
            text = {10: "You lot are dogs.", 11: "How dare you, idiot!", 12: "This is abuse, reported."}.get(
                n, f"Message {n} of thread {c}."
            )
            message = Message(
                id=f"reddit:t1_{c}_{n}",
                platform="reddit",
                author_id=f"reddit:{author}{c % 5}",
                author_name=f"{author}{c % 5}",
                created_at=begin + timedelta(minutes=2 * n),
                text=text,
                reply_to=f"reddit:t1_{c}_{reply}" if reply is not None else None,
                conversation_id=f"reddit:t3_{c}",
            )
            messages.append(message)
            words = tuple(word for word in ("dogs", "idiot") if word in text)
            scores[message.id] = Score(
                value=min(0.2 * level + 0.05, 1.0),
                level=level,
                hostile=level >= 2,
                categories=(),
                evidence=tuple(Evidence(text.index(w), text.index(w) + len(w), w, "lexicon", w, 0.2) for w in words),
                scorer="lexicon",
                version="1",
                accusation=accusation,
                spans=tuple((text.index(w), text.index(w) + len(w)) for w in words),
            )
    graph = build_graph(messages)
    findings = analyse(graph, scores)
    return Case(read=ReadResult(messages=messages), graph=graph, scores=scores, findings=findings)
