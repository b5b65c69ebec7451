"""Swap symmetry: relabelling the authors gives the same findings under the relabelling, for any thread; the
readings to check included (the same messages, in the same order, with the names relabelled)."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.analysis.analysis_support import message, run, score
from threadlens.model import Chain, Escalation, Findings, ReadingToCheck

AUTHORS = ("ann", "ben", "cat")
TEXTS = ("calm", "you 'lot' are rabble", 'she said "you lot"', "this is abuse")


def seed_pattern() -> list:
    """The provocation → reaction → accusation pattern: ben provokes ann, ann reacts, ben accuses her."""
    return [
        (message("0", "ann", 0), score(0)),
        (message("1", "ben", 1, reply_to="0"), score(3)),
        (message("2", "ann", 2, reply_to="1", text="you lot are rabble"), score(2)),
        (message("3", "ben", 3, reply_to="2"), score(1, accusation=True)),
    ]


@st.composite
def threads(draw) -> list:
    """Up to 14 random scored messages (replies, quotes, missing parents, mentions, deletions, equal or no
    times), often after the seed's pattern so that chains and reactions are common."""
    rows = seed_pattern() if draw(st.booleans()) else []
    for index in range(len(rows), len(rows) + draw(st.integers(1, 10))):
        earlier = st.sampled_from([str(n) for n in range(index)]) if index else st.nothing()
        rows.append(
            (
                message(
                    str(index),
                    draw(st.sampled_from(AUTHORS)),
                    draw(st.none() | st.integers(0, index + 2)),
                    reply_to=draw(earlier | st.none() | st.just("gone")),
                    quote_of=draw(st.none() | earlier),
                    mentions=tuple(draw(st.lists(st.sampled_from(AUTHORS), max_size=2, unique=True))),
                    text=draw(st.sampled_from(TEXTS)),
                    deleted=draw(st.booleans()) and draw(st.booleans()),
                ),
                score(draw(st.integers(0, 4)), accusation=draw(st.booleans())),
            )
        )
    return rows


def relabel_rows(rows: list, mapping: dict[str, str]) -> list:
    return [
        (
            replace(
                m,
                author_id=mapping[m.author_id],
                author_name=mapping[m.author_id].split(":")[1],
                mentions=tuple(mapping[a] for a in m.mentions),
            ),
            s,
        )
        for m, s in rows
    ]


def relabel_findings(findings: Findings, mapping: dict[str, str]) -> Findings:
    def event(e: Escalation | None) -> Escalation | None:
        return None if e is None else replace(e, author_id=mapping[e.author_id])

    def chain(c: Chain) -> Chain:
        return replace(c, authors=tuple(mapping[a] for a in c.authors))

    names = {a.split(":")[1]: b.split(":")[1] for a, b in mapping.items()}

    def reading(r: ReadingToCheck) -> ReadingToCheck:
        return replace(r, sentence=re.sub(r"\b(ann|ben|cat)\b", lambda m: names[m.group(1)], r.sentence))

    return replace(
        findings,
        conversations=[
            replace(
                c,
                first_escalation=event(c.first_escalation),
                branch_escalations=tuple(event(e) for e in c.branch_escalations),
                chains=tuple(chain(x) for x in c.chains),
                readings_to_check=tuple(reading(r) for r in c.readings_to_check),
            )
            for c in findings.conversations
        ],
        chains=[chain(c) for c in findings.chains],
        participants=[
            replace(p, author_id=mapping[p.author_id], author_name=mapping[p.author_id].split(":")[1])
            for p in findings.participants
        ],
    )


@settings(max_examples=150, deadline=None)
@given(threads(), st.permutations(AUTHORS))
def test_relabelling_authors_relabels_the_findings_and_nothing_else(definition, rows, permuted):
    mapping = {f"generic:{a}": f"generic:{b}" for a, b in zip(AUTHORS, permuted, strict=True)}
    assert run(relabel_rows(rows, mapping), definition) == relabel_findings(run(rows, definition), mapping)


@settings(max_examples=50, deadline=None)
@given(threads())
def test_analysis_is_deterministic(definition, rows):
    assert run(rows, definition) == run(list(rows), definition)
