"""The report's timeline: the whole case in one strip, each conversation with findings on its own time axis
(branches as rows, chains and first escalations on top), and each participant's levels over time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from threadlens.model import LEVEL_NAMES, Case, Message
from threadlens.report.html.markup import esc, plot_text, short
from threadlens.report.layout import Position
from threadlens.report.view import (
    CHAIN_COLOUR,
    LEVEL_COLOURS,
    PLACEHOLDER_COLOUR,
    all_chains,
    author_label,
    author_names,
    chain_roles,
    evidence_segments,
    focus_conversations,
    is_placeholder,
    level_label,
    messages_in_time_order,
    utc,
)

WEBGL_FROM = 1000  # messages; above this, point traces are drawn with WebGL
HOVER_WIDTH = 72  # characters per hover line
HOVER_CHARS = 1200  # message characters shown in a hover; the table below has the rest
MAX_NAMED_CONVERSATIONS = 40  # above this, conversation names on the graph's axis would overlap
MAX_PANELS = 50  # conversations drawn on their own time axis; the rest are in the overview strip
ROW_PX = 52  # a branch row's height in a conversation panel: room for two lanes of chain labels above each point
LABEL_PLOT_PX = 1000  # the plot width (px) labels are placed for: a 1280-pixel-wide window's
LABEL_LANES = 2  # label heights above a point; a label that finds no free lane is named in the hover only
REPLY_COLOUR = "#9A9A9A"
QUOTE_COLOUR = "#009E73"
ESCALATION_COLOUR = "#D55E00"
PLOT_CONFIG = {"displaylogo": False, "responsive": True, "scrollZoom": True}


def _hover_text(message: Message, case: Case, label: str, roles: list[str] | None = None) -> str:
    """Hover label: escaped text wrapped into lines, evidence words in bold (plotly's own markup)."""
    if is_placeholder(case, message.id):
        return f"<b>missing message</b><br>{plot_text(message.id)}<br>referenced, but not in the input"
    score = case.scores.get(message.id)
    head = f"<b>{plot_text(label)}</b><br>{utc(message.created_at)}<br>level {plot_text(level_label(score))}"
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
                parts.append(f"<b>{plot_text(chunk)}</b>" if segment.marked else plot_text(chunk))
                column += len(chunk)
    more = "…" if len(message.text) > HOVER_CHARS else ""
    return f"{head}<br>{plot_text(message.id)}<br><br>{''.join(parts)}{more}"


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


def conversation_figure(
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
                        "text": plot_text(text),
                        "showarrow": False,
                        "yshift": 24 + 13 * lane,
                        "font": {"color": CHAIN_COLOUR, "size": 12},
                        "xanchor": "center",
                    }
                )
                break
    return labels


def overview_figure(case: Case, marks: dict[str, list[str]]) -> dict[str, Any]:
    """The whole case in one strip: a row per conversation, every message at its time, coloured by level."""
    import plotly.graph_objects as go

    conversations = case.graph.conversations()
    numbers = {key: number for number, key in enumerate(conversations, start=1)}
    labels = {key: f"{numbers[key]}. {short(key, 22)} ({len(ids)})" for key, ids in conversations.items()}
    conversation_of = {node: key for key, ids in conversations.items() for node in ids}
    nodes = [n for n in conversation_of if not is_placeholder(case, n) and case.graph.message(n).created_at]
    points = go.Scattergl if len(nodes) > WEBGL_FROM else go.Scatter

    def xy(node: str) -> tuple[str, str]:
        return _x(case.graph.message(node).created_at), plot_text(labels[conversation_of[node]])

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
            "categoryarray": [plot_text(labels[key]) for key in reversed(list(conversations))],
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


def timeline_section(case: Case, panels: list[str]) -> str:
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
            f'<h3>Conversation <span class="mono">{esc(conversation_id)}</span>: {len(ids)} '
            f'message(s){esc(span)}</h3><p class="muted">x: time (UTC) across this conversation only; '
            f'each row a branch of replies.</p><div id="thread-graph-{number}"></div>'
        )
    left = len(focus_conversations(case)) - len(panels)
    if left > 0:
        parts.append(f"<p>{left} more conversation(s) with findings are shown in the overview strip above.</p>")
    return "\n".join(parts)


def strip_figure(case: Case) -> dict[str, Any]:
    """Per participant, a strip of their messages' levels over time."""
    import plotly.graph_objects as go

    names = author_names(case)
    order = [p.author_id for p in case.findings.participants] or sorted(names)
    labels = {author: plot_text(short(names.get(author, author), 28)) for author in order}
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
                y=[labels.get(m.author_id, plot_text(m.author_id)) for m in chosen],
                mode="markers",
                name=f"{level} {level_name}",
                hoverinfo="text",
                marker={"symbol": "line-ns-open", "size": 16, "color": LEVEL_COLOURS[level], "line": {"width": 3}},
                hovertext=[
                    f"{plot_text(author_label(m))}<br>{utc(m.created_at)}<br>level {level} {level_name}<br>"
                    f"{plot_text(short(m.text, 80))}"
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
