"""One case through the whole pipeline: read → pseudonymise → thread → score → analyse → write.

Each stage is a plain function of the previous stage's output; this module only wires them, so the
CLI's ``analyse`` and the batch runner do exactly the same thing to every case.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from threadlens.definition import load_definition
from threadlens.model import Case


def run_case(
    paths: Iterable[str | Path],
    *,
    format: str = "auto",
    strict: bool = False,
    definition: str | Path | None = None,
    manifest_path: str | Path | None = None,
    reveal: bool = False,
    pseudonym_key: bytes | None = None,
) -> Case:
    """Read the exports of one case and analyse them.

    With a consent manifest, authors who are not parties named in it are pseudonymised (in names,
    ids and @mentions) before anything else sees the messages, unless ``reveal`` is set.
    """
    from threadlens.analysis import analyse
    from threadlens.ingest import read_inputs
    from threadlens.privacy import load_manifest, pseudonymise
    from threadlens.scoring import score_messages
    from threadlens.thread import build_graph

    chosen = load_definition(definition)
    read = read_inputs(paths, format=format, strict=strict)
    manifest = load_manifest(manifest_path) if manifest_path else None
    if manifest is not None and not reveal:
        read.messages = pseudonymise(read.messages, manifest, key=pseudonym_key)
    graph = build_graph(read.messages)
    scores = score_messages(graph.messages(), definition=chosen)
    findings = analyse(read.messages, definition=chosen, scores=scores, graph=graph)
    return Case(
        read=read,
        graph=graph,
        scores=scores,
        findings=findings,
        consent=manifest.record() if manifest is not None else None,
        options={"format": format, "strict": strict, "reveal": reveal,
                 "pseudonymised": manifest is not None and not reveal},
    )


def write_outputs(case: Case, out: str | Path, *, html: bool = True, pdf: bool = True) -> list[Path]:
    """Write ``findings.json`` and ``messages.csv`` (and ``report.html``, ``timeline.pdf``) into ``out``."""
    from threadlens.report.tables import write_tables

    folder = Path(out)
    written = write_tables(case, folder)
    if html:
        from threadlens.report.html import write_html

        written.append(write_html(case, folder / "report.html"))
    if pdf:
        from threadlens.report.pdf import write_pdf

        written.append(write_pdf(case, folder / "timeline.pdf"))
    return written
