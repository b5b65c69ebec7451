"""The panel's report: one self-contained HTML file with the findings first and the thread graph over time.

plotly.js is embedded, and a Content-Security-Policy allows only the page's own scripts (by hash) and
no network load at all, so the file opens on an air-gapped machine. Every piece of message text,
name, id or path is escaped wherever it lands: page body, tables, hovertext and the JSON the page
reads (``<``, ``>``, ``&`` and U+2028/U+2029 are written as JSON escapes).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path
from typing import Any

from threadlens.io import atomic_write_text
from threadlens.model import LEVEL_NAMES, Case, Message
from threadlens.report.layout import Position, layout
from threadlens.report.view import (
    CHAIN_COLOUR,
    LEVEL_COLOURS,
    PLACEHOLDER_COLOUR,
    TOOL,
    all_chains,
    author_label,
    author_names,
    chain_roles,
    completeness_warnings,
    escalation_sentence,
    evidence_lines,
    evidence_segments,
    gap_text,
    generated_at,
    is_placeholder,
    level_label,
    messages_in_time_order,
    utc,
)

WEBGL_FROM = 1000  # messages; above this, point traces are drawn with WebGL
HOVER_WIDTH = 72  # characters per hover line
HOVER_CHARS = 1200  # message characters shown in a hover; the table below has the rest
MAX_NAMED_CONVERSATIONS = 40  # above this, conversation names on the graph's axis would overlap
MAX_TABLE_MESSAGES = 2000  # above this, the page lists no messages (slow to open); the PDF and CSV do
EXCERPT_CHARS = 240  # message characters quoted in the findings
REPLY_COLOUR = "#9A9A9A"
QUOTE_COLOUR = "#009E73"
ESCALATION_COLOUR = "#D55E00"
PLOT_CONFIG = {"displaylogo": False, "responsive": True, "scrollZoom": True}
BOOT = (
    'var figures = JSON.parse(document.getElementById("threadlens-figures").textContent);\n'
    "Object.keys(figures).forEach(function (id) {\n"
    "  var figure = figures[id];\n"
    "  Plotly.newPlot(id, figure.data, figure.layout, figure.config);\n"
    "});\n"
)
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0 auto;max-width:1400px;
padding:1rem 2rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #ddd;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}.num{text-align:right}.mono{font-family:monospace;
font-size:.85rem;word-break:break-all}.finding{background:#fff6e5;border-left:5px solid #D55E00;padding:.6rem 1rem;
margin:.6rem 0}.warning{background:#fdf0f0;border-left:5px solid #b00;padding:.4rem 1rem}.muted{color:#666}
.level{display:inline-block;width:.9rem;height:.9rem;border:1px solid #333;vertical-align:middle;margin-right:.3rem}
mark{background:#ffe08a;font-weight:bold}.msg{white-space:pre-wrap;max-width:60rem}
.badge{background:#b00;color:#fff;border-radius:.3rem;padding:0 .4rem;font-size:.8rem}
"""


def render_html(case: Case) -> str:
    """The report as one HTML document (plotly.js inlined, nothing fetched from the network)."""
    from plotly.offline import get_plotlyjs

    names = author_names(case)
    figures = {"thread-graph": _thread_figure(case), "participant-strip": _strip_figure(case)}
    scripts = [get_plotlyjs(), BOOT]
    policy = (
        "default-src 'none'; "
        f"script-src {' '.join(_script_hash(s) for s in scripts)} 'unsafe-eval'; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; worker-src blob:; "
        "connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    body = "\n".join(
        (
            _header(case),
            _findings_section(case, names),
            _warnings_section(case),
            '<h2>Thread graph over time</h2><p class="muted">x: time (UTC); each row a branch of replies. '
            "Colour: hostility level; hollow: missing message; dashed green: quote; thick blue: P→R→A chain. "
            "Hover a message for its author, time, level and text with the evidence in bold.</p>",
            '<div id="thread-graph"></div>',
            _participants_section(case),
            '<div id="participant-strip"></div>',
            _messages_section(case),
            _provenance_section(case),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>threadlens report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n"
        f'<script type="application/json" id="threadlens-figures">{_script_json(figures)}</script>\n'
        + "".join(f"<script>{script}</script>\n" for script in scripts)
        + "</body>\n</html>\n"
    )


def write_html(case: Case, path: Path) -> Path:
    """Write the report atomically to ``path``."""
    return atomic_write_text(path, render_html(case))


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _plot_text(value: object) -> str:
    """Text for plotly labels: ``<``, ``>`` and ``&`` escaped, which plotly decodes back; quotes are left as
    they are, since plotly shows ``&quot;`` literally and, with no raw ``<``, a quote cannot reach a tag."""
    return html.escape(str(value), quote=False)


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: no ``</``, ``<!--``, ``&`` or line separators survive raw."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _marked_html(text: str, case: Case, message_id: str) -> str:
    """Message text for the page: escaped, evidence spans in ``<mark>``."""
    return "".join(
        f"<mark>{_esc(s.text)}</mark>" if s.marked else _esc(s.text)
        for s in evidence_segments(text, case.scores.get(message_id))
    )


def _hover_text(message: Message, case: Case, label: str) -> str:
    """Hover label: escaped text wrapped into lines, evidence words in bold (plotly's own markup)."""
    if is_placeholder(case, message.id):
        return f"<b>missing message</b><br>{_plot_text(message.id)}<br>referenced, but not in the input"
    score = case.scores.get(message.id)
    head = f"<b>{_plot_text(label)}</b><br>{utc(message.created_at)}<br>level {_plot_text(level_label(score))}"
    if message.deleted:
        head += " · deleted"
    parts: list[str] = []
    column = 0
    for segment in evidence_segments(message.text[:HOVER_CHARS], score):
        for token in re.findall(r"\s+|\S+", segment.text):
            if token.isspace():
                if "\n" in token:
                    parts.append("<br>")
                    column = 0
                elif column:
                    parts.append(" ")
                    column += 1
                continue
            for start in range(0, len(token), HOVER_WIDTH):
                chunk = token[start : start + HOVER_WIDTH]
                if column and column + len(chunk) > HOVER_WIDTH:
                    if parts and parts[-1] == " ":
                        parts.pop()
                    parts.append("<br>")
                    column = 0
                parts.append(f"<b>{_plot_text(chunk)}</b>" if segment.marked else _plot_text(chunk))
                column += len(chunk)
    more = "…" if len(message.text) > HOVER_CHARS else ""
    return f"{head}<br>{_plot_text(message.id)}<br><br>{''.join(parts)}{more}"


def _x(position: Position, fallback: str) -> str:
    return position.time.strftime("%Y-%m-%d %H:%M:%S") if position.time else fallback


def _thread_figure(case: Case) -> dict[str, Any]:
    """Nodes over time, one trace per level, edges by kind, chains and first escalations on top."""
    import plotly.graph_objects as go

    positions = layout(case.graph)
    known = [p.time for p in positions.values() if p.time is not None]
    fallback = min(known).strftime("%Y-%m-%d %H:%M:%S") if known else "1970-01-01 00:00:00"
    webgl = len(positions) > WEBGL_FROM
    points = go.Scattergl if webgl else go.Scatter
    marker_size = 6 if webgl else 13

    def xy(node: str) -> tuple[str, float]:
        return _x(positions[node], fallback), positions[node].row

    edges: dict[str, tuple[list, list]] = {"reply": ([], []), "quote": ([], [])}
    for parent, child, data in case.graph.graph.edges(data=True):
        kind = data.get("kind", "reply")
        (x0, y0), (x1, y1) = xy(parent), xy(child)
        xs, ys = edges[kind]
        if kind == "reply":  # elbow: down the parent's time, then along the reply's row
            xs.extend((x0, x0, x1, None))
            ys.extend((y0, y1, y1, None))
        else:
            xs.extend((x0, x1, None))
            ys.extend((y0, y1, None))
    traces: list[Any] = [
        points(x=edges["reply"][0], y=edges["reply"][1], mode="lines", name="reply",
               line={"color": REPLY_COLOUR, "width": 1}, hoverinfo="skip"),
        points(x=edges["quote"][0], y=edges["quote"][1], mode="lines", name="quote",
               line={"color": QUOTE_COLOUR, "width": 1.5, "dash": "dash"}, hoverinfo="skip"),
    ]
    chain_x: list[str | None] = []
    chain_y: list[float | None] = []
    chain_labels: list[str] = []
    for number, chain in enumerate(all_chains(case), start=1):
        for role, message_id, _, _ in chain_roles(chain):
            if message_id in positions:
                chain_x.append(xy(message_id)[0])
                chain_y.append(xy(message_id)[1])
                chain_labels.append(f"{role[0].upper()}{number}")
        chain_x.append(None)
        chain_y.append(None)
        chain_labels.append("")
    if chain_labels:
        traces.append(go.Scatter(
            x=chain_x, y=chain_y, mode="lines+markers+text", name="P→R→A chains", text=chain_labels,
            textposition="top center", textfont={"color": CHAIN_COLOUR, "size": 13},
            line={"color": CHAIN_COLOUR, "width": 6}, opacity=0.55,
            marker={"size": marker_size + 10, "color": CHAIN_COLOUR}, hoverinfo="skip",
        ))
    groups: dict[str, list[str]] = {}
    for node in positions:
        score = case.scores.get(node)
        key = "missing" if is_placeholder(case, node) else ("unscored" if score is None else str(score.level))
        groups.setdefault(key, []).append(node)
    for key in ("missing", "unscored", *map(str, range(len(LEVEL_NAMES)))):
        nodes = groups.get(key)
        if not nodes:
            continue
        if key == "missing":
            name, marker = "missing message", {"symbol": "circle-open", "color": PLACEHOLDER_COLOUR,
                                                 "line": {"width": 2}}
        elif key == "unscored":
            name, marker = "not scored", {"symbol": "square", "color": PLACEHOLDER_COLOUR}
        else:
            name = f"{key} {LEVEL_NAMES[int(key)]}"
            marker = {"color": LEVEL_COLOURS[int(key)], "line": {"color": "#333333", "width": 1}}
        messages = [case.graph.message(node) for node in nodes]
        traces.append(points(
            x=[xy(n)[0] for n in nodes], y=[xy(n)[1] for n in nodes], mode="markers", name=name,
            marker={"size": marker_size, **marker}, customdata=nodes, hoverinfo="text",
            hovertext=[_hover_text(m, case, author_label(m)) for m in messages],
        ))
    firsts = [c.first_escalation.message_id for c in case.findings.conversations
              if c.first_escalation is not None and c.first_escalation.message_id in positions]
    if firsts:
        traces.append(go.Scatter(
            x=[xy(i)[0] for i in firsts], y=[xy(i)[1] for i in firsts], mode="markers", name="first escalation",
            marker={"symbol": "star-open", "size": marker_size + 16, "color": ESCALATION_COLOUR,
                    "line": {"width": 3}}, hoverinfo="skip",
        ))
    conversations = case.graph.conversations()
    named = conversations if len(conversations) <= MAX_NAMED_CONVERSATIONS else {}
    rows = max((p.row for p in positions.values()), default=0) + 1
    figure = go.Figure(traces)
    figure.update_layout(
        height=int(min(max(rows * 26 + 200, 420), 1400)), hovermode="closest", plot_bgcolor="white",
        margin={"l": 140, "r": 20, "t": 60, "b": 50},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        hoverlabel={"align": "left", "bgcolor": "white", "font": {"size": 12}},
        xaxis={"title": {"text": "time (UTC)"}, "type": "date", "gridcolor": "#eeeeee"},
        yaxis={"autorange": "reversed", "zeroline": False, "showgrid": False,
               "tickvals": [positions[ids[0]].row for ids in named.values() if ids],
               "ticktext": [_plot_text(_short(cid, 18)) for cid, ids in named.items() if ids]},
    )
    return {**figure.to_plotly_json(), "config": PLOT_CONFIG}


def _strip_figure(case: Case) -> dict[str, Any]:
    """Per participant, a strip of their messages' levels over time."""
    import plotly.graph_objects as go

    names = author_names(case)
    order = [p.author_id for p in case.findings.participants] or sorted(names)
    labels = {author: _plot_text(_short(names.get(author, author), 28)) for author in order}
    messages = [m for m in messages_in_time_order(case) if not is_placeholder(case, m.id) and m.created_at]
    points = go.Scattergl if len(messages) > WEBGL_FROM else go.Scatter
    traces = []
    for level, level_name in enumerate(LEVEL_NAMES):
        chosen = [m for m in messages if (s := case.scores.get(m.id)) is not None and s.level == level]
        if not chosen:
            continue
        traces.append(points(
            x=[m.created_at.strftime("%Y-%m-%d %H:%M:%S") for m in chosen],
            y=[labels.get(m.author_id, _plot_text(m.author_id)) for m in chosen],
            mode="markers", name=f"{level} {level_name}", hoverinfo="text",
            marker={"symbol": "line-ns-open", "size": 16, "color": LEVEL_COLOURS[level], "line": {"width": 3}},
            hovertext=[f"{_plot_text(author_label(m))}<br>{utc(m.created_at)}<br>level {level} {level_name}<br>"
                       f"{_plot_text(_short(m.text, 80))}" for m in chosen],
        ))
    figure = go.Figure(traces)
    figure.update_layout(
        height=int(min(max(len(order) * 30 + 140, 260), 2000)), plot_bgcolor="white", hovermode="closest",
        margin={"l": 180, "r": 20, "t": 30, "b": 40}, title={"text": "Levels over time, per participant"},
        xaxis={"title": {"text": "time (UTC)"}, "type": "date", "gridcolor": "#eeeeee"},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": [labels[a] for a in reversed(order)]},
    )
    return {**figure.to_plotly_json(), "config": PLOT_CONFIG}


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _level_cell(level: int | None) -> str:
    if level is None:
        return '<td class="muted">—</td>'
    return (f'<td><span class="level" style="background:{LEVEL_COLOURS[level]}"></span>'
            f"{level} {LEVEL_NAMES[level]}</td>")


def _header(case: Case) -> str:
    real = [m for m in case.read.messages if m.created_at is not None]
    span = (f"{utc(min(m.created_at for m in real))} to {utc(max(m.created_at for m in real))}" if real
            else "no dated messages")
    pseudonyms = (" Authors who are not parties named in the consent record appear under pseudonyms."
                  if case.options.get("pseudonymised") else "")
    return (
        f"<h1>threadlens report</h1><p class=\"muted\">{len(case.read.messages)} messages in "
        f"{len(case.graph.conversations())} conversation(s) from {len(case.findings.participants)} participant(s), "
        f"{_esc(span)}. Definition {_esc(case.findings.definition.name)}, {_esc(TOOL)}.{pseudonyms}</p>"
    )


def _message_ref(case: Case, message_id: str, names: dict[str, str]) -> str:
    if message_id not in case.graph.graph:
        return f"<span class=\"mono\">{_esc(message_id)}</span>"
    message = case.graph.message(message_id)
    score = case.scores.get(message_id)
    excerpt = _marked_html(message.text[:EXCERPT_CHARS], case, message_id)
    more = "…" if len(message.text) > EXCERPT_CHARS else ""
    return (
        f"<b>{_esc(names.get(message.author_id, message.author_id))}</b>, {utc(message.created_at)}, "
        f"level {_esc(level_label(score))}<br><span class=\"msg\">“{excerpt}{more}”</span>"
        f"<br><span class=\"mono muted\">{_esc(message_id)}</span>"
    )


def _findings_section(case: Case, names: dict[str, str]) -> str:
    parts = ["<h2>Findings: who escalated first</h2>"]
    escalated = [c for c in case.findings.conversations if c.first_escalation is not None]
    if not escalated:
        parts.append('<div class="finding">No message in this case crossed the definition\'s escalation '
                     "threshold: no one escalated.</div>")
    for conversation in escalated:
        escalation = conversation.first_escalation
        doubtful = conversation.inconclusive or escalation.inconclusive
        badge = ' <span class="badge">inconclusive</span>' if doubtful else ""
        reasons = "".join(f"<li>{_esc(reason)}</li>" for reason in escalation.reasons)
        evidence = "".join(
            f"<li>{_esc(line)}</li>" for line in evidence_lines(case.scores.get(escalation.message_id))
        )
        parts.append(
            f'<div class="finding"><p>Conversation <span class="mono">{_esc(conversation.conversation_id)}</span>'
            f"{badge}</p><p><b>{_esc(escalation_sentence(escalation, names))}</b></p>"
            f"<p>{_message_ref(case, escalation.message_id, names)}</p>"
            f"<p>Why:</p><ul>{reasons}{evidence}</ul>"
            f"<p class=\"muted\">{len(conversation.branch_escalations)} escalation(s) on other branches.</p></div>"
        )
    chains = all_chains(case)
    parts.append(f"<h3>Provocation → reaction → accusation chains ({len(chains)})</h3>")
    if chains:
        rows = []
        for number, chain in enumerate(chains, start=1):
            cells = "".join(f"<td>{_message_ref(case, message_id, names)}</td>"
                            for _, message_id, _, _ in chain_roles(chain))
            extra = "; across conversations" if chain.cross_conversation else ""
            rows.append(f"<tr><td>{number}</td>{cells}<td>{_esc(gap_text(chain.gaps_seconds[0]))}, "
                        f"{_esc(gap_text(chain.gaps_seconds[1]))}</td><td>{_esc(chain.accuser_role)}{extra}</td></tr>")
        parts.append("<table><tr><th>#</th><th>provocation</th><th>reaction</th><th>accusation</th>"
                     f"<th>gaps</th><th>accuser</th></tr>{''.join(rows)}</table>")
    else:
        parts.append("<p>None found.</p>")
    return "\n".join(parts)


def _warnings_section(case: Case) -> str:
    warnings = completeness_warnings(case)
    if not warnings:
        return "<h2>Data completeness</h2><p>No missing, deleted, edited or out-of-order messages were found.</p>"
    items = "".join(f"<li>{_esc(w)}</li>" for w in warnings)
    return f'<h2>Data completeness</h2><div class="warning"><ul>{items}</ul></div>'


def _participants_section(case: Case) -> str:
    rows = []
    for p in case.findings.participants:
        first = _esc(p.first_hostile) if p.first_hostile else "—"
        rows.append(
            f"<tr><td>{_esc(p.author_name or p.author_id)}</td><td class=\"mono\">{_esc(p.author_id)}</td>"
            f"<td class=\"num\">{p.messages}</td>{_level_cell(p.max_level)}<td class=\"num\">{p.mean_level:.2f}</td>"
            f"<td class=\"mono\">{first}</td><td class=\"num\">{p.escalations}</td><td class=\"num\">{p.reactions}</td>"
            f"<td class=\"num\">{p.accusations_made}</td><td class=\"num\">{p.accusations_received}</td></tr>"
        )
    return (
        "<h2>Participants</h2><table><tr><th>name</th><th>id</th><th>messages</th><th>highest level</th>"
        "<th>mean level</th><th>first hostile message</th><th>escalations started</th><th>reactions</th>"
        f"<th>accusations made</th><th>accusations received</th></tr>{''.join(rows)}</table>"
    )


def _messages_section(case: Case) -> str:
    ordered = messages_in_time_order(case)
    if len(ordered) > MAX_TABLE_MESSAGES:
        return (f"<h2>Messages</h2><p>{len(ordered):,} messages are too many for one page to list; every message "
                "with its level and evidence is in timeline.pdf and messages.csv, and in the graph's hover.</p>")
    rows = []
    for number, message in enumerate(ordered, start=1):
        if is_placeholder(case, message.id):
            rows.append(f'<tr><td>{number}</td><td colspan="3" class="muted">missing message (referenced, not in '
                        f'the input)</td><td></td><td class="mono">{_esc(message.id)}</td></tr>')
            continue
        score = case.scores.get(message.id)
        links = [f"reply to {_esc(message.reply_to)}" if message.reply_to else "",
                 f"quotes {_esc(message.quote_of)}" if message.quote_of else "",
                 "deleted" if message.deleted else "", "edited" if message.edits or message.edited_from else ""]
        rows.append(
            f"<tr><td>{number}</td><td>{utc(message.created_at)}</td><td>{_esc(author_label(message))}</td>"
            f"{_level_cell(score.level if score else None)}<td class=\"msg\">"
            f"{_marked_html(message.text, case, message.id)}</td><td class=\"mono\">{_esc(message.id)}"
            f"<br>{'<br>'.join(link for link in links if link)}</td></tr>"
        )
    return (
        f"<h2>Messages</h2><details><summary>All {len(rows)} messages in time order, per conversation "
        "(evidence highlighted)</summary><table><tr><th>#</th><th>time (UTC)</th><th>author</th><th>level</th>"
        f"<th>text</th><th>id, links</th></tr>{''.join(rows)}</table></details>"
    )


def _provenance_section(case: Case) -> str:
    definition = case.findings.definition
    inputs = "".join(
        f"<tr><td class=\"mono\">{_esc(i.path)}</td><td>{_esc(i.format)}</td><td class=\"mono\">{_esc(i.sha256)}</td>"
        f"<td class=\"num\">{i.messages}</td><td class=\"num\">{i.rejected}</td></tr>"
        for i in case.read.inputs
    )
    problems = "".join(
        f"<li>{_esc(p.severity)}: <span class=\"mono\">{_esc(p.path)}</span> {_esc(p.position)}: {_esc(p.reason)}</li>"
        for p in case.read.problems
    )
    consent = (
        f'<pre class="mono">{_esc(json.dumps(case.consent, indent=2, ensure_ascii=False, default=str))}</pre>'
        if case.consent else "<p>No consent record was given for this case.</p>"
    )
    options = _esc(json.dumps(case.options, ensure_ascii=False, sort_keys=True, default=str))
    return (
        "<h2>Provenance</h2><table>"
        f"<tr><th>definition</th><td>{_esc(definition.name)} {_esc(definition.version)}</td></tr>"
        f"<tr><th>definition SHA-256</th><td class=\"mono\">{_esc(definition.sha256)}</td></tr>"
        f"<tr><th>scorer</th><td>{_esc(case.findings.scorer)}</td></tr>"
        f"<tr><th>tool</th><td>{_esc(TOOL)}</td></tr><tr><th>options</th><td class=\"mono\">{options}</td></tr>"
        f"<tr><th>generated</th><td>{generated_at()}</td></tr></table>"
        "<h3>Input files</h3><table><tr><th>file</th><th>format</th><th>SHA-256</th><th>messages</th>"
        f"<th>rejected</th></tr>{inputs}</table>"
        f"<h3>Records not used ({len(case.read.problems)})</h3><ul>{problems}</ul>"
        f"<h3>Consent record</h3>{consent}"
    )
