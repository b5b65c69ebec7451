"""One case through the whole pipeline: read → pseudonymise → thread → score → analyse → write.

Each stage is a plain function of the previous stage's output; this module only wires them, so the
CLI's ``analyse`` and the batch runner do exactly the same thing to every case.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from threadlens.definition import Definition, load_definition
from threadlens.model import Case

if TYPE_CHECKING:
    from threadlens.privacy import Manifest


def run_case(
    paths: Iterable[str | Path],
    *,
    format: str = "auto",
    strict: bool = False,
    reader_options: dict | None = None,
    definition: str | Path | Definition | None = None,
    manifest_path: str | Path | Manifest | None = None,
    reveal: bool = False,
    pseudonym_key_file: str | Path | None = None,
) -> Case:
    """Read the exports of one case and analyse them.

    With a consent manifest, authors who are not parties named in it are pseudonymised (in names,
    ids and @mentions) before anything else sees the messages, unless ``reveal`` is set. The pseudonyms
    are keyed by ``pseudonym_key_file`` (see :func:`threadlens.privacy.case_key`); without one, by a key
    derived from the case id, which is reproducible but not secret.
    """
    from threadlens.analysis import analyse
    from threadlens.ingest import read_inputs
    from threadlens.privacy import derived_key, load_manifest, pseudonymise, read_key
    from threadlens.scoring import score_messages
    from threadlens.thread import build_graph

    chosen = load_definition(definition)
    read = read_inputs(paths, format=format, strict=strict, options=reader_options)
    manifest = load_manifest(manifest_path) if manifest_path else None
    pseudonymised = manifest is not None and not reveal
    if pseudonymised:
        key = read_key(pseudonym_key_file) if pseudonym_key_file else derived_key(manifest.case_id)
        read.messages = pseudonymise(read.messages, manifest, key=key)
    graph = build_graph(read.messages)
    scores = score_messages(graph.messages(), definition=chosen)
    findings = analyse(read.messages, definition=chosen, scores=scores, graph=graph)
    return Case(
        read=read,
        graph=graph,
        scores=scores,
        findings=findings,
        consent=manifest.record() if manifest is not None else None,
        options={
            "format": format,
            "strict": strict,
            "reader_options": reader_options or {},
            "definition": _definition_option(definition),
            "manifest": manifest.path if manifest is not None else None,
            "unconsented": manifest is not None and manifest.path is None,
            "reveal": reveal,
            "pseudonymised": pseudonymised,
            "pseudonym_key_file": str(pseudonym_key_file) if pseudonymised and pseudonym_key_file else None,
        },
    )


def _definition_option(definition: str | Path | Definition | None) -> str | None:
    """How the definition was chosen, as recorded in the options: its name or path."""
    if isinstance(definition, Definition):
        return str(definition.path)
    return None if definition is None else str(definition)


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


def case_from_outputs(out_dir: str | Path) -> Case:
    """The case behind an analysis folder, analysed again from its recorded inputs, to regenerate its reports.

    ``findings.json`` records every input's SHA-256, the definition's name and SHA-256 and the options;
    an input that is missing or changed, or a definition that changed since, is a clear error rather
    than a report that no longer matches its findings.
    """
    import json

    from threadlens.errors import InputError, ReportError
    from threadlens.ingest.base import SourceFile

    folder = Path(out_dir)
    record_path = folder / "findings.json"
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        inputs, recorded_definition = record["inputs"], record["definition"]
    except FileNotFoundError:
        raise ReportError("no findings.json in this folder", path=str(folder),
                          hint="Run 'threadlens analyse PATH... --out DIR' first") from None
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ReportError(f"findings.json cannot be read ({error})", path=str(record_path),
                          expected="the findings.json written by 'threadlens analyse'") from None
    options = record.get("options") or {}
    manifest = options.get("manifest")
    if options.get("unconsented"):
        from threadlens.privacy import unconsented

        manifest = unconsented((record.get("consent") or {}).get("case_id") or folder.name)
    if options.get("pseudonymised") and not manifest:
        raise ReportError("this analysis pseudonymised authors, but findings.json names no consent manifest",
                          path=str(record_path), hint="Run 'threadlens analyse' again with the manifest")

    top_level: list[Path] = []
    for entry in inputs:
        outer, _, member = entry["path"].partition("!")
        located = next((p for p in (Path(outer), folder / outer) if p.exists()), None)
        if located is None:
            raise InputError("an input of this analysis is missing", path=outer,
                             hint="Run 'threadlens report' from the folder 'threadlens analyse' ran in")
        source = SourceFile(located, display=outer)
        if member:
            source = source.members().get(member) or source
        if source.sha256 != entry["sha256"]:
            raise InputError(
                f"the input changed since the analysis (SHA-256 {source.sha256}, recorded {entry['sha256']})",
                path=entry["path"], hint="Run 'threadlens analyse' again to analyse the changed data",
            )
        if located not in top_level:
            top_level.append(located)

    chosen = load_definition(options.get("definition") or recorded_definition["name"])
    if chosen.sha256 != recorded_definition["sha256"]:
        raise ReportError(
            f"definition {chosen.name!r} changed since the analysis (SHA-256 {chosen.sha256}, recorded "
            f"{recorded_definition['sha256']})",
            path=str(chosen.path), hint="Restore the definition, or run 'threadlens analyse' again",
        )
    return run_case(top_level, format=options.get("format", "auto"), strict=bool(options.get("strict")),
                    reader_options=options.get("reader_options"),
                    definition=chosen, manifest_path=manifest, reveal=bool(options.get("reveal")),
                    pseudonym_key_file=options.get("pseudonym_key_file"))
