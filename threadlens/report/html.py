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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from threadlens.io import atomic_write_text
from threadlens.model import LEVEL_NAMES, Case, Chain, Message
from threadlens.report.layout import Position, layout
from threadlens.report.view import (
    CHAIN_COLOUR,
    LEVEL_COLOURS,
    PLACEHOLDER_COLOUR,
    TOOL,
    all_chains,
    author_label,
    author_names,
    chain_comparison,
    chain_marks,
    chain_roles,
    completeness_warnings,
    escalation_sentence,
    evidence_lines,
    evidence_segments,
    focus_conversations,
    gap_text,
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

WEBGL_FROM = 1000  # messages; above this, point traces are drawn with WebGL
HOVER_WIDTH = 72  # characters per hover line
HOVER_CHARS = 1200  # message characters shown in a hover; the table below has the rest
MAX_NAMED_CONVERSATIONS = 40  # above this, conversation names on the graph's axis would overlap
MAX_TABLE_MESSAGES = 2000  # above this, the page lists no messages (slow to open); the PDF and CSV do
EXPANDED_MESSAGES = 300  # up to this many, the message list is open; above it, collapsed behind a click
MAX_PANELS = 50  # conversations drawn on their own time axis; the rest are in the overview strip
EXCERPT_CHARS = 240  # message characters quoted in the findings
CHAIN_CHARS = 600  # message characters shown in the chain's side-by-side view
ROW_PX = 52  # a branch row's height in a conversation panel: room for two lanes of chain labels above each point
LABEL_PLOT_PX = 1000  # the plot width (px) labels are placed for: a 1280-pixel-wide window's
LABEL_LANES = 2  # label heights above a point; a label that finds no free lane is named in the hover only
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
.lowers{background:#e8eef5;color:#234;text-decoration:underline dotted}.ev-lowers{color:#234}.ev-neutral{color:#666}
.badge{background:#b00;color:#fff;border-radius:.3rem;padding:0 .4rem;font-size:.8rem}
.role{background:#0072B2;color:#fff;border-radius:.3rem;padding:0 .3rem;font-size:.75rem;margin-right:.2rem}
.chain{border:2px solid #0072B2;border-radius:.4rem;padding:.5rem .8rem;margin:.6rem 0}
.steps{display:grid;grid-template-columns:1fr auto 1fr auto 1fr;gap:.6rem;align-items:start}
.step{background:#fafafa;border:1px solid #ddd;border-radius:.3rem;padding:.4rem .6rem}
.step .msg{display:block;margin:.3rem 0}.gap{align-self:center;text-align:center;color:#0072B2;font-weight:bold}
.compare{font-weight:bold;margin:.5rem 0 .2rem}tr.in-chain td:first-child{border-left:4px solid #0072B2}
.legend span{margin-right:1rem;white-space:nowrap}ul.evidence{margin:.2rem 0;padding-left:1.2rem;font-size:.85rem}
"""


def render_html(case: Case) -> str:
    """The report as one HTML document (plotly.js inlined, nothing fetched from the network)."""
    from plotly.offline import get_plotlyjs

    names = author_names(case)
    panels = focus_conversations(case)[:MAX_PANELS]
    positions = layout(case.graph)
    marks = chain_marks(case)
    figures = {"overview": _overview_figure(case, marks)}
    figures.update(
        {
            f"thread-graph-{number}": _conversation_figure(case, conversation_id, positions, marks)
            for number, conversation_id in enumerate(panels, start=1)
        }
    )
    figures["participant-strip"] = _strip_figure(case)
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
            _chains_section(case, names),
            _findings_section(case, names),
            _warnings_section(case),
            _timeline_section(case, panels),
            _participants_section(case),
            '<div id="participant-strip"></div>',
            _messages_section(case, marks),
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
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def _marked_html(text: str, case: Case, message_id: str) -> str:
    """Message text for the page: escaped; words that raised the score in ``<mark>``, words that lowered it
    (quotation, negation…) in a quiet style of their own."""
    return "".join(
        f'<mark title="raises the score">{_esc(s.text)}</mark>'
        if s.marked
        else f'<span class="lowers" title="lowers the score">{_esc(s.text)}</span>'
        if s.lowers
        else _esc(s.text)
        for s in evidence_segments(text, case.scores.get(message_id))
    )


def _evidence_html(case: Case, message_id: str) -> str:
    """The evidence list of a message, each line in its tone; a civil message says no hostile language was found."""
    items = "".join(
        f'<li class="ev-{line.tone}">{_esc(line.text)}</li>' for line in evidence_lines(case.scores.get(message_id))
    )
    return f'<ul class="evidence">{items}</ul>' if items else ""


def _hover_text(message: Message, case: Case, label: str, roles: list[str] | None = None) -> str:
    """Hover label: escaped text wrapped into lines, evidence words in bold (plotly's own markup)."""
    if is_placeholder(case, message.id):
        return f"<b>missing message</b><br>{_plot_text(message.id)}<br>referenced, but not in the input"
    score = case.scores.get(message.id)
    head = f"<b>{_plot_text(label)}</b><br>{utc(message.created_at)}<br>level {_plot_text(level_label(score))}"
    if roles:
        head += f"<br><b>chain: {' '.join(roles)}</b>"
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


def _x(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _level_traces(case: Case, nodes: list[str], xy, points, size: int, marks: dict[str, list[str]]) -> list[Any]:
    """One trace per level (civil first, so the severest points draw on top), placeholders and unscored apart."""
    groups: dict[str, list[str]] = {}
    for node in nodes:
        score = case.scores.get(node)
        key = "missing" if is_placeholder(case, node) else ("unscored" if score is None else str(score.level))
        groups.setdefault(key, []).append(node)
    traces = []
    for key in ("missing", "unscored", *map(str, range(len(LEVEL_NAMES)))):
        chosen = groups.get(key)
        if not chosen:
            continue
        if key == "missing":
            name, marker = (
                "missing message",
                {"symbol": "circle-open", "color": PLACEHOLDER_COLOUR, "line": {"width": 2}},
            )
        elif key == "unscored":
            name, marker = "not scored", {"symbol": "square", "color": PLACEHOLDER_COLOUR}
        else:
            name = f"{key} {LEVEL_NAMES[int(key)]}"
            marker = {"color": LEVEL_COLOURS[int(key)], "line": {"color": "#333333", "width": 1}}
        messages = [case.graph.message(node) for node in chosen]
        traces.append(
            points(
                x=[xy(n)[0] for n in chosen],
                y=[xy(n)[1] for n in chosen],
                mode="markers",
                name=name,
                marker={"size": size, **marker},
                customdata=chosen,
                hoverinfo="text",
                hovertext=[_hover_text(m, case, author_label(m), marks.get(m.id)) for m in messages],
            )
        )
    return traces


def _conversation_figure(
    case: Case, conversation_id: str, positions: dict[str, Position], marks: dict[str, list[str]]
) -> dict[str, Any]:
    """One conversation on its own time axis: rows are branches, edges by kind, the chains and first escalation
    on top, chain roles labelled above their points where a label fits, else named in the hover."""
    import plotly.graph_objects as go

    nodes = case.graph.conversations()[conversation_id]
    members = set(nodes)
    top = min(positions[node].row for node in nodes)
    dated = [
        case.graph.message(n).created_at
        for n in nodes
        if not is_placeholder(case, n) and case.graph.message(n).created_at is not None
    ]
    known = dated or [positions[n].time for n in nodes if positions[n].time is not None]
    start, end = (min(known), max(known)) if known else (None, None)
    pad = max((end - start) * 0.04, timedelta(seconds=30)) if start is not None else timedelta(0)

    def moment(node: str) -> datetime:
        """The node's time, an undated placeholder's estimate kept inside this conversation's axis."""
        time = positions[node].time or start or datetime(1970, 1, 1, tzinfo=UTC)
        return min(max(time, start - pad / 2), end + pad / 2) if start is not None else time

    def xy(node: str) -> tuple[str, float]:
        return _x(moment(node)), positions[node].row - top

    webgl = len(nodes) > WEBGL_FROM
    points = go.Scattergl if webgl else go.Scatter
    size = 7 if webgl else 14
    edges: dict[str, tuple[list, list]] = {"reply": ([], []), "quote": ([], [])}
    for parent, child, data in case.graph.graph.subgraph(members).edges(data=True):
        kind = data.get("kind", "reply")
        (x0, y0), (x1, y1) = xy(parent), xy(child)
        xs, ys = edges[kind]
        corner = ((x0, y0), (x0, y1), (x1, y1)) if kind == "reply" else ((x0, y0), (x1, y1))
        xs.extend((*(x for x, _ in corner), None))
        ys.extend((*(y for _, y in corner), None))
    traces: list[Any] = [
        points(
            x=edges["reply"][0],
            y=edges["reply"][1],
            mode="lines",
            name="reply",
            line={"color": REPLY_COLOUR, "width": 1},
            hoverinfo="skip",
        ),
        points(
            x=edges["quote"][0],
            y=edges["quote"][1],
            mode="lines",
            name="quote",
            line={"color": QUOTE_COLOUR, "width": 1.5, "dash": "dash"},
            hoverinfo="skip",
        ),
    ]
    chain_x: list[str | None] = []
    chain_y: list[float | None] = []
    for chain in all_chains(case):
        inside = [xy(m) for _, m, _, _ in chain_roles(chain) if m in members]
        chain_x.extend((*(x for x, _ in inside), None))
        chain_y.extend((*(y for _, y in inside), None))
    if chain_x:
        traces.append(
            go.Scatter(
                x=chain_x,
                y=chain_y,
                mode="lines+markers",
                name="P→R→A chains",
                line={"color": CHAIN_COLOUR, "width": 6},
                opacity=0.55,
                marker={"size": size + 10, "color": CHAIN_COLOUR},
                hoverinfo="skip",
            )
        )
    traces.extend(_level_traces(case, nodes, xy, points, size, marks))
    firsts = [
        c.first_escalation.message_id
        for c in case.findings.conversations
        if c.first_escalation is not None and c.first_escalation.message_id in members
    ]
    if firsts:
        traces.append(
            go.Scatter(
                x=[xy(i)[0] for i in firsts],
                y=[xy(i)[1] for i in firsts],
                mode="markers",
                name="first escalation",
                marker={"symbol": "star-open", "size": size + 16, "color": ESCALATION_COLOUR, "line": {"width": 3}},
                hoverinfo="skip",
            )
        )
    rows = max((positions[n].row - top for n in nodes), default=0) + 1
    x_range = [_x(start - pad), _x(end + pad)] if start is not None else None
    figure = go.Figure(traces)
    figure.update_layout(
        height=int(min(max(rows * ROW_PX + 110, 260), 1600)),
        hovermode="closest",
        plot_bgcolor="white",
        showlegend=False,
        margin={"l": 30, "r": 30, "t": 20, "b": 50},
        hoverlabel={"align": "left", "bgcolor": "white", "font": {"size": 12}},
        xaxis={"title": {"text": "time (UTC)"}, "type": "date", "gridcolor": "#eeeeee", "range": x_range},
        yaxis={"range": [rows - 0.4, -0.9], "zeroline": False, "showgrid": False, "showticklabels": False},
        annotations=_chain_labels(nodes, marks, xy, moment, (start - pad, end + pad) if start else None),
    )
    return {**figure.to_plotly_json(), "config": PLOT_CONFIG}


def _chain_labels(
    nodes: list[str], marks: dict[str, list[str]], xy, moment, axis: tuple[datetime, datetime] | None
) -> list[dict[str, Any]]:
    """Chain role labels (``P1``, ``R1``, ``A1``) above their points, in the lowest lane where no other label of
    the same row is closer than their widths (at ``LABEL_PLOT_PX``); a label with no free lane is left to the
    hover, which names every message's chain roles."""
    if axis is None:
        return []
    start, end = axis
    span = (end - start).total_seconds() or 1.0
    placed: dict[tuple[float, int], list[tuple[float, float]]] = {}
    labels = []
    wanted = sorted(
        ((node, " ".join(marks[node])) for node in nodes if node in marks),
        key=lambda item: (xy(item[0])[1], xy(item[0])[0]),
    )
    for node, text in wanted:
        x, row = xy(node)
        centre = LABEL_PLOT_PX * (moment(node) - start).total_seconds() / span
        half = 4.5 * len(text) + 4
        for lane in range(LABEL_LANES):
            taken = placed.setdefault((row, lane), [])
            if all(centre + half <= left or centre - half >= right for left, right in taken):
                taken.append((centre - half, centre + half))
                labels.append(
                    {
                        "x": x,
                        "y": row,
                        "text": _plot_text(text),
                        "showarrow": False,
                        "yshift": 24 + 13 * lane,
                        "font": {"color": CHAIN_COLOUR, "size": 12},
                        "xanchor": "center",
                    }
                )
                break
    return labels


def _overview_figure(case: Case, marks: dict[str, list[str]]) -> dict[str, Any]:
    """The whole case in one strip: a row per conversation, every message at its time, coloured by level."""
    import plotly.graph_objects as go

    conversations = case.graph.conversations()
    numbers = {key: number for number, key in enumerate(conversations, start=1)}
    labels = {key: f"{numbers[key]}. {_short(key, 22)} ({len(ids)})" for key, ids in conversations.items()}
    conversation_of = {node: key for key, ids in conversations.items() for node in ids}
    nodes = [n for n in conversation_of if not is_placeholder(case, n) and case.graph.message(n).created_at]
    points = go.Scattergl if len(nodes) > WEBGL_FROM else go.Scatter

    def xy(node: str) -> tuple[str, str]:
        return _x(case.graph.message(node).created_at), _plot_text(labels[conversation_of[node]])

    named = len(conversations) <= MAX_NAMED_CONVERSATIONS
    figure = go.Figure(_level_traces(case, nodes, xy, points, 9, marks))
    figure.update_layout(
        height=int(min(max(len(conversations) * 18 + 90, 150), 800)),
        hovermode="closest",
        plot_bgcolor="white",
        showlegend=False,
        margin={"l": 220 if named else 30, "r": 30, "t": 10, "b": 40},
        hoverlabel={"align": "left", "bgcolor": "white", "font": {"size": 12}},
        xaxis={"type": "date", "gridcolor": "#eeeeee"},
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "showticklabels": named,
            "tickfont": {"size": 10},
            "categoryarray": [_plot_text(labels[key]) for key in reversed(list(conversations))],
        },
    )
    return {**figure.to_plotly_json(), "config": PLOT_CONFIG}


def _legend() -> str:
    swatches = "".join(
        f'<span><span class="level" style="background:{colour}"></span>{level} {name}</span>'
        for level, (colour, name) in enumerate(zip(LEVEL_COLOURS, LEVEL_NAMES, strict=True))
    )
    return (
        f'<p class="legend muted">{swatches}<span>hollow: missing message</span><span style="color:'
        f'{QUOTE_COLOUR}">dashed: quote</span><span style="color:{CHAIN_COLOUR}">thick blue: P→R→A chain '
        f'(P1, R1, A1)</span><span style="color:{ESCALATION_COLOUR}">☆ first escalation</span></p>'
    )


def _timeline_section(case: Case, panels: list[str]) -> str:
    """The overview strip of the whole case, then each conversation with findings on its own time axis."""
    conversations = case.graph.conversations()
    parts = [
        '<h2>Timeline</h2><p class="muted">Hover a message for its author, time, level, chain role and text '
        "with the evidence in bold. Scroll to zoom; double-click to reset.</p>",
        _legend(),
        f"<h3>The whole case: {len(conversations)} conversation(s), a row each</h3>",
        '<div id="overview"></div>',
    ]
    for number, conversation_id in enumerate(panels, start=1):
        ids = conversations[conversation_id]
        dated = [case.graph.message(n).created_at for n in ids if case.graph.message(n).created_at is not None]
        span = f", {utc(min(dated))} to {utc(max(dated))}" if dated else ""
        parts.append(
            f'<h3>Conversation <span class="mono">{_esc(conversation_id)}</span>: {len(ids)} '
            f'message(s){_esc(span)}</h3><p class="muted">x: time (UTC) across this conversation only; '
            f'each row a branch of replies.</p><div id="thread-graph-{number}"></div>'
        )
    left = len(focus_conversations(case)) - len(panels)
    if left > 0:
        parts.append(f"<p>{left} more conversation(s) with findings are shown in the overview strip above.</p>")
    return "\n".join(parts)


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
        traces.append(
            points(
                x=[m.created_at.strftime("%Y-%m-%d %H:%M:%S") for m in chosen],
                y=[labels.get(m.author_id, _plot_text(m.author_id)) for m in chosen],
                mode="markers",
                name=f"{level} {level_name}",
                hoverinfo="text",
                marker={"symbol": "line-ns-open", "size": 16, "color": LEVEL_COLOURS[level], "line": {"width": 3}},
                hovertext=[
                    f"{_plot_text(author_label(m))}<br>{utc(m.created_at)}<br>level {level} {level_name}<br>"
                    f"{_plot_text(_short(m.text, 80))}"
                    for m in chosen
                ],
            )
        )
    figure = go.Figure(traces)
    figure.update_layout(
        height=int(min(max(len(order) * 30 + 140, 260), 2000)),
        plot_bgcolor="white",
        hovermode="closest",
        margin={"l": 180, "r": 20, "t": 30, "b": 40},
        title={"text": "Levels over time, per participant"},
        xaxis={"title": {"text": "time (UTC)"}, "type": "date", "gridcolor": "#eeeeee"},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": [labels[a] for a in reversed(order)]},
    )
    return {**figure.to_plotly_json(), "config": PLOT_CONFIG}


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _level_cell(level: int | None, suffix: str = "") -> str:
    if level is None:
        return '<td class="muted">—</td>'
    return (
        f'<td><span class="level" style="background:{LEVEL_COLOURS[level]}"></span>'
        f"{level} {LEVEL_NAMES[level]}{_esc(suffix)}</td>"
    )


def _header(case: Case) -> str:
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
        f"{_esc(span)}. Definition {_esc(case.findings.definition.name)}, {_esc(TOOL)}.{pseudonyms}</p>"
    )


def _message_ref(case: Case, message_id: str, names: dict[str, str], numbers: dict[str, int]) -> str:
    if message_id not in case.graph.graph:
        return f'<span class="mono">{_esc(message_id)}</span>'
    message = case.graph.message(message_id)
    score = case.scores.get(message_id)
    excerpt = _marked_html(message.text[:EXCERPT_CHARS], case, message_id)
    more = "…" if len(message.text) > EXCERPT_CHARS else ""
    return (
        f"<b>{_esc(names.get(message.author_id, message.author_id))}</b>, {utc(message.created_at)}, "
        f'level {_esc(level_label(score))}<br><span class="msg">“{excerpt}{more}”</span>'
        f'<br><span class="mono muted">#{numbers.get(message_id, "?")} {_esc(message_id)}</span>'
    )


def _chain_step(case: Case, role: str, mark: str, message_id: str, names: dict[str, str], number: int | None) -> str:
    """One message of a chain as a card: role, author, time, level and its text with the evidence marked."""
    if message_id not in case.graph.graph or is_placeholder(case, message_id):
        return (
            f'<div class="step"><b>{role.capitalize()}</b> <span class="role">{mark}</span><br>'
            f'<span class="mono">{_esc(message_id)}</span>: missing from the input</div>'
        )
    message = case.graph.message(message_id)
    score = case.scores.get(message_id)
    text = _marked_html(message.text[:CHAIN_CHARS], case, message_id)
    more = f"… ({len(message.text):,} characters; whole in the message list)" if len(message.text) > CHAIN_CHARS else ""
    swatch = f'<span class="level" style="background:{LEVEL_COLOURS[score.level]}"></span>' if score else ""
    return (
        f'<div class="step"><b>{role.capitalize()}</b> <span class="role">{mark}</span> '
        f"<b>{_esc(names.get(message.author_id, message.author_id))}</b><br>"
        f'<span class="muted">{utc(message.created_at)}</span><br>{swatch}level {_esc(level_label(score))}'
        f'<span class="msg chain-text">“{text}{_esc(more)}”</span>'
        f'<span class="mono muted">#{number if number is not None else "?"} {_esc(message_id)}</span></div>'
    )


def _chain_html(case: Case, number: int, chain: Chain, names: dict[str, str], numbers: dict[str, int]) -> str:
    steps = [
        _chain_step(case, role, f"{role[0].upper()}{number}", message_id, names, numbers.get(message_id))
        for role, message_id, _, _ in chain_roles(chain)
    ]
    gaps = [f'<div class="gap">→<br>{_esc(gap_text(gap))}</div>' for gap in chain.gaps_seconds]
    accuser = names.get(chain.authors[2], chain.authors[2])
    who = "the provoker" if chain.accuser_role == "provoker" else "a third party"
    extra = "; across conversations" if chain.cross_conversation else ""
    return (
        f'<div class="chain"><h3>Chain {number}: accuser is {who} ({_esc(accuser)}){extra}</h3>'
        f'<div class="steps">{steps[0]}{gaps[0]}{steps[1]}{gaps[1]}{steps[2]}</div>'
        f'<p class="compare">{_esc(chain_comparison(case, chain, names))}</p></div>'
    )


def _chains_section(case: Case, names: dict[str, str]) -> str:
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


def _findings_section(case: Case, names: dict[str, str]) -> str:
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
        reasons = "".join(f"<li>{_esc(reason)}</li>" for reason in escalation.reasons)
        others = other_branch_escalations(conversation)
        branches = (
            f"{len(others)} other branch(es) of this conversation escalated too: "
            + ", ".join(f"#{numbers.get(e.message_id, '?')} by {names.get(e.author_id, e.author_id)}" for e in others)
            + "."
            if others
            else "No other branch of this conversation escalated."
        )
        parts.append(
            f'<div class="finding"><p>Conversation <span class="mono">{_esc(conversation.conversation_id)}</span>'
            f"{badge}</p><p><b>{_esc(escalation_sentence(escalation, names))}</b></p>"
            f"<p>{_message_ref(case, escalation.message_id, names, numbers)}</p>"
            f"<p>Why:</p><ul>{reasons}</ul>{_evidence_html(case, escalation.message_id)}"
            f'<p class="muted">{_esc(branches)}</p></div>'
        )
    return "\n".join(parts)


def _warnings_section(case: Case) -> str:
    warnings = completeness_warnings(case)
    if not warnings:
        return "<h2>Data completeness</h2><p>No missing, deleted, edited or out-of-order messages were found.</p>"
    items = "".join(f"<li>{_esc(w)}</li>" for w in warnings)
    return f'<h2>Data completeness</h2><div class="warning"><ul>{items}</ul></div>'


def _participants_section(case: Case) -> str:
    numbers = message_numbers(case)
    roles = participant_roles(case)
    highest = highest_messages(case)
    rows = []
    for p in case.findings.participants:
        reached = f" (#{numbers[highest[p.author_id]]})" if highest.get(p.author_id) in numbers else ""
        role = "; ".join(roles.get(p.author_id, ())) or "—"
        rows.append(
            f'<tr><td>{_esc(p.author_name or p.author_id)}<br><span class="mono muted">{_esc(p.author_id)}</span>'
            f'</td><td>{_esc(role)}</td><td class="num">{p.messages}</td>'
            f'{_level_cell(p.max_level, reached)}<td class="num">{p.escalations}</td>'
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


def _messages_section(case: Case, marks: dict[str, list[str]]) -> str:
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
                f'the input)</td><td></td><td class="mono">{_esc(message.id)}</td></tr>'
            )
            continue
        score = case.scores.get(message.id)
        links = [
            f"reply to {_esc(message.reply_to)}" if message.reply_to else "",
            f"quotes {_esc(message.quote_of)}" if message.quote_of else "",
            "deleted" if message.deleted else "",
            "edited" if message.edits or message.edited_from else "",
        ]
        roles = "".join(f'<br><span class="role">{_esc(mark)}</span>' for mark in marks.get(message.id, ()))
        row_class = ' class="in-chain"' if roles else ""
        rows.append(
            f"<tr{row_class}><td>{number}{roles}</td><td>{utc(message.created_at)}</td>"
            f"<td>{_esc(author_label(message))}</td>{_level_cell(score.level if score else None)}<td>"
            f'<span class="msg">{_marked_html(message.text, case, message.id)}</span>'
            f'{_evidence_html(case, message.id)}</td><td class="mono">{_esc(message.id)}'
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


def _provenance_section(case: Case) -> str:
    definition = case.findings.definition
    inputs = "".join(
        f'<tr><td class="mono">{_esc(i.path)}</td><td>{_esc(i.format)}</td><td class="mono">{_esc(i.sha256)}</td>'
        f'<td class="num">{i.messages}</td><td class="num">{i.rejected}</td></tr>'
        for i in case.read.inputs
    )
    problems = "".join(
        f'<li>{_esc(p.severity)}: <span class="mono">{_esc(p.path)}</span> {_esc(p.position)}: {_esc(p.reason)}</li>'
        for p in case.read.problems
    )
    consent = (
        f'<pre class="mono">{_esc(json.dumps(case.consent, indent=2, ensure_ascii=False, default=str))}</pre>'
        if case.consent
        else "<p>No consent record was given for this case.</p>"
    )
    options = _esc(json.dumps(case.options, ensure_ascii=False, sort_keys=True, default=str))
    return (
        "<h2>Provenance</h2><table>"
        f"<tr><th>definition</th><td>{_esc(definition.name)} {_esc(definition.version)}</td></tr>"
        f'<tr><th>definition SHA-256</th><td class="mono">{_esc(definition.sha256)}</td></tr>'
        f"<tr><th>scorer</th><td>{_esc(case.findings.scorer)}</td></tr>"
        f'<tr><th>tool</th><td>{_esc(TOOL)}</td></tr><tr><th>options</th><td class="mono">{options}</td></tr>'
        f"<tr><th>generated</th><td>{generated_at()}</td></tr></table>"
        "<h3>Input files</h3><table><tr><th>file</th><th>format</th><th>SHA-256</th><th>messages</th>"
        f"<th>rejected</th></tr>{inputs}</table>"
        f"<h3>Records not used ({len(case.read.problems)})</h3><ul>{problems}</ul>"
        f"<h3>Consent record</h3>{consent}"
    )
