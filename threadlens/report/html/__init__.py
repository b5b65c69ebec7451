"""The panel's report: one self-contained HTML file with the findings first and the thread graph over time.

plotly.js is embedded, and a Content-Security-Policy allows only the page's own scripts (by hash) and
no network load at all, so the file opens on an air-gapped machine. Every piece of message text,
name, id or path is escaped wherever it lands: page body, tables, hovertext and the JSON the page
reads (``<``, ``>``, ``&`` and U+2028/U+2029 are written as JSON escapes).

The page is assembled here from its parts: the chain panel (:mod:`.chains`), the timeline (:mod:`.timeline`), the
text sections (:mod:`.sections`), all escaped through :mod:`.markup`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from threadlens.io import atomic_write_text
from threadlens.model import Case
from threadlens.report.html import review
from threadlens.report.html.chains import chains_section
from threadlens.report.html.sections import (
    findings_section,
    header,
    messages_section,
    participants_section,
    provenance_section,
    warnings_section,
)
from threadlens.report.html.timeline import (
    MAX_PANELS,
    conversation_figure,
    overview_figure,
    strip_figure,
    timeline_section,
)
from threadlens.report.layout import layout
from threadlens.report.view import author_names, chain_marks, focus_conversations

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
    figures = {"overview": overview_figure(case, marks)}
    figures.update(
        {
            f"thread-graph-{number}": conversation_figure(case, conversation_id, positions, marks)
            for number, conversation_id in enumerate(panels, start=1)
        }
    )
    figures["participant-strip"] = strip_figure(case)
    scripts = [get_plotlyjs(), BOOT, review.SCRIPT]
    policy = (
        "default-src 'none'; "
        f"script-src {' '.join(_script_hash(s) for s in scripts)} 'unsafe-eval'; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; worker-src blob:; "
        "connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    body = "\n".join(
        (
            header(case),
            review.readings_section(case),
            chains_section(case, names),
            findings_section(case, names),
            warnings_section(case),
            timeline_section(case, panels),
            participants_section(case),
            '<div id="participant-strip"></div>',
            messages_section(case, marks),
            provenance_section(case),
            review.review_form(),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>threadlens report</title>\n<style>{STYLE}{review.STYLE}</style>\n</head>\n<body>\n{body}\n"
        f'<script type="application/json" id="threadlens-figures">{_script_json(figures)}</script>\n'
        f'<script type="application/json" id="threadlens-review">{_script_json(review.review_data(case))}</script>\n'
        + "".join(f"<script>{script}</script>\n" for script in scripts)
        + "</body>\n</html>\n"
    )


def write_html(case: Case, path: Path) -> Path:
    """Write the report atomically to ``path``."""
    return atomic_write_text(path, render_html(case))


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
