"""The report's chain panel: each provocation → reaction → accusation chain side by side, in words."""

from __future__ import annotations

from threadlens.model import Case, Chain
from threadlens.report.html.markup import esc, marked_html
from threadlens.report.view import (
    LEVEL_COLOURS,
    all_chains,
    chain_comparison,
    chain_roles,
    gap_text,
    is_placeholder,
    level_label,
    message_numbers,
    utc,
)

CHAIN_CHARS = 600  # message characters shown in the chain's side-by-side view


def _chain_step(case: Case, role: str, mark: str, message_id: str, names: dict[str, str], number: int | None) -> str:
    """One message of a chain as a card: role, author, time, level and its text with the evidence marked."""
    if message_id not in case.graph.graph or is_placeholder(case, message_id):
        return (
            f'<div class="step"><b>{role.capitalize()}</b> <span class="role">{mark}</span><br>'
            f'<span class="mono">{esc(message_id)}</span>: missing from the input</div>'
        )
    message = case.graph.message(message_id)
    score = case.scores.get(message_id)
    text = marked_html(message.text[:CHAIN_CHARS], case, message_id)
    more = f"… ({len(message.text):,} characters; whole in the message list)" if len(message.text) > CHAIN_CHARS else ""
    swatch = f'<span class="level" style="background:{LEVEL_COLOURS[score.level]}"></span>' if score else ""
    return (
        f'<div class="step"><b>{role.capitalize()}</b> <span class="role">{mark}</span> '
        f"<b>{esc(names.get(message.author_id, message.author_id))}</b><br>"
        f'<span class="muted">{utc(message.created_at)}</span><br>{swatch}level {esc(level_label(score))}'
        f'<span class="msg chain-text">“{text}{esc(more)}”</span>'
        f'<span class="mono muted">#{number if number is not None else "?"} {esc(message_id)}</span></div>'
    )


def _chain_html(case: Case, number: int, chain: Chain, names: dict[str, str], numbers: dict[str, int]) -> str:
    steps = [
        _chain_step(case, role, f"{role[0].upper()}{number}", message_id, names, numbers.get(message_id))
        for role, message_id, _, _ in chain_roles(chain)
    ]
    gaps = [f'<div class="gap">→<br>{esc(gap_text(gap))}</div>' for gap in chain.gaps_seconds]
    accuser = names.get(chain.authors[2], chain.authors[2])
    who = "the provoker" if chain.accuser_role == "provoker" else "a third party"
    extra = "; across conversations" if chain.cross_conversation else ""
    return (
        f'<div class="chain"><h3>Chain {number}: accuser is {who} ({esc(accuser)}){extra}</h3>'
        f'<div class="steps">{steps[0]}{gaps[0]}{steps[1]}{gaps[1]}{steps[2]}</div>'
        f'<p class="compare">{esc(chain_comparison(case, chain, names))}</p></div>'
    )


def chains_section(case: Case, names: dict[str, str]) -> str:
    """The P→R→A chains first, each side by side in words."""
    chains = all_chains(case)
    numbers = message_numbers(case)
    head = (
        f"<h2>Provocation → reaction → accusation ({len(chains)} chain{'s' if len(chains) != 1 else ''})</h2>"
        '<p class="muted">Highlighted: the words that raised a message\'s score; '
        '<span class="lowers">underlined dots</span>: words that lowered it (quoted or reported speech, '
        "negation).</p>"
    )
    if not chains:
        return head + "<p>None found: no reaction to a provocation was followed by an accusation.</p>"
    return head + "\n".join(
        _chain_html(case, number, chain, names, numbers) for number, chain in enumerate(chains, start=1)
    )
