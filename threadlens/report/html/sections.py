"""The report's text sections: the header, who escalated first, data completeness, participants, the message
list and provenance."""

from __future__ import annotations

import json

from threadlens.model import Case
from threadlens.report.html.markup import esc, evidence_html, level_cell, marked_html
from threadlens.report.html.review import read_button
from threadlens.report.view import (
    TOOL,
    author_label,
    completeness_warnings,
    distinct,
    escalation_sentence,
    generated_at,
    highest_messages,
    is_placeholder,
    level_label,
    message_numbers,
    messages_in_time_order,
    other_branch_escalations,
    participant_roles,
    utc,
)

MAX_TABLE_MESSAGES = 2000  # above this, the page lists no messages (slow to open); the PDF and CSV do
EXPANDED_MESSAGES = 300  # up to this many, the message list is open; above it, collapsed behind a click
EXCERPT_CHARS = 240  # message characters quoted in the findings


def header(case: Case) -> str:
    real = [m for m in case.read.messages if m.created_at is not None]
    span = (
        f"{utc(min(m.created_at for m in real))} to {utc(max(m.created_at for m in real))}"
        if real
        else "no dated messages"
    )
    pseudonyms = (
        " Authors who are not parties named in the consent record appear under pseudonyms."
        if case.options.get("pseudonymised")
        else ""
    )
    return (
        f'<h1>threadlens report</h1><p class="muted">{len(case.read.messages)} messages in '
        f"{len(case.graph.conversations())} conversation(s) from {len(case.findings.participants)} participant(s), "
        f"{esc(span)}. Definition {esc(case.findings.definition.name)}, {esc(TOOL)}.{pseudonyms}</p>"
    )


def _message_ref(case: Case, message_id: str, names: dict[str, str], numbers: dict[str, int]) -> str:
    if message_id not in case.graph.graph:
        return f'<span class="mono">{esc(message_id)}</span>'
    message = case.graph.message(message_id)
    score = case.scores.get(message_id)
    excerpt = marked_html(message.text[:EXCERPT_CHARS], case, message_id)
    more = "…" if len(message.text) > EXCERPT_CHARS else ""
    return (
        f"<b>{esc(names.get(message.author_id, message.author_id))}</b>, {utc(message.created_at)}, "
        f'level {esc(level_label(score))}<br><span class="msg">“{excerpt}{more}”</span>'
        f'<br><span class="mono muted">#{numbers.get(message_id, "?")} {esc(message_id)}</span>'
    )


def findings_section(case: Case, names: dict[str, str]) -> str:
    parts = ["<h2>Findings: who escalated first</h2>"]
    numbers = message_numbers(case)
    escalated = [c for c in case.findings.conversations if c.first_escalation is not None]
    if not escalated:
        parts.append(
            '<div class="finding">No message in this case crossed the definition\'s escalation '
            "threshold: no one escalated.</div>"
        )
    for conversation in escalated:
        escalation = conversation.first_escalation
        doubtful = conversation.inconclusive or escalation.inconclusive
        badge = ' <span class="badge">inconclusive</span>' if doubtful else ""
        why = distinct(escalation.reasons)
        reasons = "".join(f"<li>{esc(reason)}</li>" for reason in why)
        others = other_branch_escalations(conversation)
        branches = (
            f"{len(others)} other branch(es) of this conversation escalated too: "
            + ", ".join(f"#{numbers.get(e.message_id, '?')} by {names.get(e.author_id, e.author_id)}" for e in others)
            + "."
            if others
            else "No other branch of this conversation escalated."
        )
        parts.append(
            f'<div class="finding"><p>Conversation <span class="mono">{esc(conversation.conversation_id)}</span>'
            f"{badge}</p><p><b>{esc(escalation_sentence(escalation, names))}</b></p>"
            f"<p>{_message_ref(case, escalation.message_id, names, numbers)}</p>"
            f"<p>Why:</p><ul>{reasons}</ul>{evidence_html(case, escalation.message_id, why)}"
            f'<p class="muted">{esc(branches)}</p></div>'
        )
    return "\n".join(parts)


def warnings_section(case: Case) -> str:
    warnings = completeness_warnings(case)
    if not warnings:
        return "<h2>Data completeness</h2><p>No missing, deleted, edited or out-of-order messages were found.</p>"
    items = "".join(f"<li>{esc(w)}</li>" for w in warnings)
    return f'<h2>Data completeness</h2><div class="warning"><ul>{items}</ul></div>'


def participants_section(case: Case) -> str:
    numbers = message_numbers(case)
    roles = participant_roles(case)
    highest = highest_messages(case)
    rows = []
    for p in case.findings.participants:
        reached = f" (#{numbers[highest[p.author_id]]})" if highest.get(p.author_id) in numbers else ""
        role = "; ".join(roles.get(p.author_id, ())) or "—"
        rows.append(
            f'<tr><td>{esc(p.author_name or p.author_id)}<br><span class="mono muted">{esc(p.author_id)}</span>'
            f'</td><td>{esc(role)}</td><td class="num">{p.messages}</td>'
            f'{level_cell(p.max_level, reached)}<td class="num">{p.escalations}</td>'
            f'<td class="num">{p.reactions}</td><td class="num">{p.accusations_made}</td>'
            f'<td class="num">{p.accusations_received}</td></tr>'
        )
    return (
        '<h2>Participants</h2><p class="muted">An escalation started is one that answered no provocation aimed '
        "at its author; a reaction answers one. Accusations count only when aimed at a reactor.</p>"
        "<table><tr><th>name, id</th><th>part in the findings</th><th>messages</th><th>highest level (message)</th>"
        "<th>escalations started</th><th>reactions to provocation</th><th>accusations made</th>"
        f"<th>accusations received</th></tr>{''.join(rows)}</table>"
    )


def messages_section(case: Case, marks: dict[str, list[str]]) -> str:
    ordered = messages_in_time_order(case)
    if len(ordered) > MAX_TABLE_MESSAGES:
        return (
            f"<h2>Messages</h2><p>{len(ordered):,} messages are too many for one page to list; every message "
            "with its level and evidence is in timeline.pdf and messages.csv, and in the graph's hover.</p>"
        )
    rows = []
    for number, message in enumerate(ordered, start=1):
        if is_placeholder(case, message.id):
            rows.append(
                f'<tr><td>{number}</td><td colspan="3" class="muted">missing message (referenced, not in '
                f'the input)</td><td></td><td class="mono">{esc(message.id)}</td></tr>'
            )
            continue
        score = case.scores.get(message.id)
        links = [
            f"reply to {esc(message.reply_to)}" if message.reply_to else "",
            f"quotes {esc(message.quote_of)}" if message.quote_of else "",
            "deleted" if message.deleted else "",
            "edited" if message.edits or message.edited_from else "",
        ]
        roles = "".join(f'<br><span class="role">{esc(mark)}</span>' for mark in marks.get(message.id, ()))
        row_class = ' class="in-chain"' if roles else ""
        button = "<br>" + read_button(message.id, number, score.level) if score and not message.deleted else ""
        rows.append(
            f"<tr{row_class}><td>{number}{roles}{button}</td>"
            f"<td>{utc(message.created_at)}</td>"
            f"<td>{esc(author_label(message))}</td>{level_cell(score.level if score else None)}<td>"
            f'<span class="msg">{marked_html(message.text, case, message.id)}</span>'
            f'{evidence_html(case, message.id)}</td><td class="mono">{esc(message.id)}'
            f"<br>{'<br>'.join(link for link in links if link)}</td></tr>"
        )
    table = (
        "<table><tr><th>#</th><th>time (UTC)</th><th>author</th><th>level</th><th>text and evidence</th>"
        f"<th>id, links</th></tr>{''.join(rows)}</table>"
    )
    summary = f"All {len(rows)} messages in time order, per conversation (evidence highlighted, chain roles marked)"
    if len(rows) <= EXPANDED_MESSAGES:
        return f'<h2>Messages</h2><p class="muted">{summary}.</p>{table}'
    return f"<h2>Messages</h2><details><summary>{summary}</summary>{table}</details>"


def provenance_section(case: Case) -> str:
    definition = case.findings.definition
    inputs = "".join(
        f'<tr><td class="mono">{esc(i.path)}</td><td>{esc(i.format)}</td><td class="mono">{esc(i.sha256)}</td>'
        f'<td class="num">{i.messages}</td><td class="num">{i.rejected}</td></tr>'
        for i in case.read.inputs
    )
    problems = "".join(
        f'<li>{esc(p.severity)}: <span class="mono">{esc(p.path)}</span> {esc(p.position)}: {esc(p.reason)}</li>'
        for p in case.read.problems
    )
    consent = (
        f'<pre class="mono">{esc(json.dumps(case.consent, indent=2, ensure_ascii=False, default=str))}</pre>'
        if case.consent
        else "<p>No consent record was given for this case.</p>"
    )
    options = esc(json.dumps(case.options, ensure_ascii=False, sort_keys=True, default=str))
    return (
        "<h2>Provenance</h2><table>"
        f"<tr><th>definition</th><td>{esc(definition.name)} {esc(definition.version)}</td></tr>"
        f'<tr><th>definition SHA-256</th><td class="mono">{esc(definition.sha256)}</td></tr>'
        f"<tr><th>scorer</th><td>{esc(case.findings.scorer)}</td></tr>"
        f'<tr><th>tool</th><td>{esc(TOOL)}</td></tr><tr><th>options</th><td class="mono">{options}</td></tr>'
        f"<tr><th>generated</th><td>{generated_at()}</td></tr></table>"
        "<h3>Input files</h3><table><tr><th>file</th><th>format</th><th>SHA-256</th><th>messages</th>"
        f"<th>rejected</th></tr>{inputs}</table>"
        f"<h3>Records not used ({len(case.read.problems)})</h3><ul>{problems}</ul>"
        f"<h3>Consent record</h3>{consent}"
    )
