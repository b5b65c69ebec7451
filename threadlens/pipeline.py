"""One case through the whole pipeline: consent → read → minimise → pseudonymise → thread → score → analyse → write.

Each stage is a plain function of the previous stage's output; this module only wires them. :func:`analyse_case`
is the one entry point, so the CLI's ``analyse``, each batch task and a Python caller check consent the same way
and do exactly the same thing to every case.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadlens.definition import Definition, load_definition
from threadlens.errors import ConsentError, InputError, ThreadlensError
from threadlens.io import InputNames, atomic_write_text
from threadlens.model import Case, Findings, ReadResult, Score, ThreadGraph

if TYPE_CHECKING:
    from threadlens.privacy.manifest import Manifest

NO_MANIFEST = "analysed without a consent manifest: no scope limits the messages analysed"
LOCATIONS = "inputs.json"  # where an analysis's inputs lie on this machine, beside findings.json


def analyse_case(
    paths: Iterable[str | Path],
    out: str | Path | None = None,
    *,
    consent: str | Path | Manifest | None = None,
    allow_unconsented: bool = False,
    case_id: str | None = None,
    format: str = "auto",
    strict: bool = False,
    reader_options: dict | None = None,
    definition: str | Path | Definition | None = None,
    reveal: bool = False,
    key_dir: str | Path | None = None,
    html: bool = True,
    pdf: bool = True,
    today: date | None = None,
    review: str | Path | None = None,
) -> Case:
    r"""Analyse one case under its consent, and write its outputs into ``out`` when given.

    The one place consent is enforced, for the CLI, the batch runner and Python alike: ``consent`` (a
    ``submission.toml``) is checked (keys, dates against ``today``, and that one of its parties appears in
    the data); without one, the case is refused unless ``allow_unconsented`` (then everyone is pseudonymised
    and the record says no consent was given; ``case_id`` names it). Messages outside the manifest's
    ``[scope_rules]`` are left out right after reading (:func:`threadlens.scope.minimise`). Unless
    ``reveal``, non-parties are pseudonymised with the case's key from ``key_dir`` (created there on first
    use; default: :func:`threadlens.privacy.keys.default_key_dir`, never inside ``out``). An unconsented case
    without a ``case_id`` is named by its inputs' content, so its key and findings do not depend on ``out``.
    ``review`` (a panel's review file, :mod:`threadlens.review`) reads the messages it names as the panel reads
    them; every finding is worked out again under the same rules, and each says what the review changed.

    >>> import tempfile
    >>> from pathlib import Path
    >>> scratch = tempfile.TemporaryDirectory()
    >>> path = Path(scratch.name) / "thread.csv"
    >>> _ = path.write_text("id,reply_to,author,created_at,text\n"
    ...                     "1,,ann,2024-03-01T18:00:00Z,Minutes attached.\n"
    ...                     "2,1,bob,2024-03-01T18:05:00Z,I will find you and hurt you.\n")
    >>> analyse_case([path])
    Traceback (most recent call last):
    threadlens.errors.ConsentError: no consent manifest given ...
    >>> case = analyse_case([path], allow_unconsented=True, key_dir=Path(scratch.name) / "keys")
    >>> case.findings.conversations[0].first_escalation.message_id
    'generic:2'
    >>> scratch.cleanup()
    """
    from threadlens.ingest import read_inputs
    from threadlens.privacy.keys import key_fingerprint
    from threadlens.privacy.manifest import load_manifest, unconsented

    if consent is not None:
        manifest = load_manifest(consent)
        manifest.check_dates(today or datetime.now(UTC).date())
    elif not allow_unconsented:
        raise ConsentError(
            "no consent manifest given",
            expected="--consent submission.toml (see docs/submissions.md)",
            hint="Only exported or consented data may be analysed; --allow-unconsented (allow_unconsented=True) "
            "analyses anyway and records it",
        )
    chosen = load_definition(definition)
    paths = list(paths)
    read = read_inputs(paths, format=format, strict=strict, options=reader_options)
    if not read.messages:
        raise NothingRead(read)
    if consent is None:
        manifest = unconsented(case_id or content_case_id(read))
    elif manifest.path is not None:
        manifest.check_belongs_to(read.messages)
    key = _key(manifest, reveal, key_dir, out)
    case = _run_stages(read, manifest, chosen, key, review)
    case.options = {
        "format": format,
        "strict": strict,
        "reader_options": reader_options or {},
        "definition": _definition_option(definition),
        "manifest": manifest.path,
        "unconsented": manifest.path is None,
        "reveal": reveal,
        "pseudonymised": not reveal,
        "pseudonym_key": key_fingerprint(key) if key is not None else None,
        "review": Path(review).name if review is not None else None,
    }
    case.locations = {
        "inputs": [{"name": name, "path": root} for root, name in InputNames(paths).roots.items()],
        "manifest": os.path.abspath(manifest.path) if manifest.path is not None else None,
        "definition": str(chosen.path.resolve()) if definition is not None else None,
        "review": os.path.abspath(review) if review is not None else None,
    }
    if out is not None:
        write_outputs(case, out, html=html, pdf=pdf)
    return case


def content_case_id(read: ReadResult) -> str:
    """The case id of an unconsented analysis: ``unconsented-`` and a hash of its input files' SHA-256s."""
    digest = hashlib.sha256("\n".join(sorted(item.sha256 for item in read.inputs)).encode("ascii")).hexdigest()
    return f"unconsented-{digest[:12]}"


class NothingRead(InputError):
    """Not one message could be read from the inputs; ``read`` holds the files and the records rejected."""

    def __init__(self, read: ReadResult) -> None:
        first = next((p for p in read.problems if p.severity == "error"), None)
        detail = f"; first: {first.path}: {first.position}: {first.reason}" if first else ""
        super().__init__(
            f"no message could be read{detail}",
            expected="export files threadlens reads (see 'threadlens formats')",
            hint="Check the paths and formats; 'threadlens inspect PATH...' shows what each file holds",
        )
        self.read = read


def _key(manifest: Manifest, reveal: bool, key_dir: str | Path | None, out: str | Path | None) -> bytes | None:
    """The pseudonym key of the case (None when revealing), from ``key_dir`` or the default key directory,
    which must not lie inside the output folder."""
    from threadlens.privacy.keys import case_key, check_key_dir, default_key_dir

    if reveal:
        return None
    folder = Path(key_dir) if key_dir is not None else default_key_dir()
    if out is not None:
        check_key_dir(folder, out)
    return case_key(folder, manifest.case_id)


def _run_stages(
    read: ReadResult, manifest: Manifest, chosen: Definition, key: bytes | None, review: str | Path | None = None
) -> Case:
    """minimise → pseudonymise → thread → score → (review) → analyse, on messages already read and consent
    already checked."""
    from threadlens.analysis import analyse
    from threadlens.privacy.pseudonyms import pseudonymise_read
    from threadlens.scope import UNCHECKED, context_used, minimise
    from threadlens.scoring import score_messages
    from threadlens.thread import build_graph

    record: dict[str, Any] = {"checked": manifest.scope_rules is not None, "warning": None}
    context: dict[str, str] = {}
    if manifest.scope_rules is not None:
        minimised = minimise(read.messages, manifest.scope_rules)
        if not minimised.messages:
            raise ConsentError(
                f"no message read is inside the manifest's scope_rules ({minimised.left_out_count} left out)",
                path=manifest.path,
                position="scope_rules",
                hint="Check the conversation ids and the window; 'threadlens inspect PATH... --consent FILE' "
                "shows what is in and out",
            )
        read.messages, context = minimised.messages, minimised.context
        record |= {
            "left_out": minimised.left_out_count,
            "left_out_by_file": minimised.left_out,
            "conversations_not_found": list(minimised.missing_conversations),
        }
    else:
        record["warning"] = NO_MANIFEST if manifest.path is None else UNCHECKED
    if key is not None:
        before = read.messages
        pseudonymise_read(read, manifest, key=key)
        context = {new.id: context[old.id] for old, new in zip(before, read.messages, strict=True) if old.id in context}
    graph = build_graph(read.messages)
    scores = score_messages(graph.messages(), definition=chosen)
    conflicted = {conflict.message_id for conflict in read.conflicts}
    findings = analyse(graph, scores, chosen, conflicted=conflicted)
    if review is not None:
        scores, findings = _reviewed(graph, scores, findings, chosen, review, conflicted)
    record["context"] = [{"id": key_id, "why": why} for key_id, why in sorted(context.items())]
    record["context_used_by"] = context_used(findings, set(context))
    consent = manifest.record() | {"minimisation": record}
    return Case(read=read, graph=graph, scores=scores, findings=findings, consent=consent)


def _reviewed(
    graph: ThreadGraph,
    scores: dict[str, Score],
    findings: Findings,
    chosen: Definition,
    path: str | Path,
    conflicted: set[str],
) -> tuple[dict[str, Score], Findings]:
    """The scores with the panel's readings in place of the scorer's, and the findings worked out again under
    the same rules, each conversation saying what the review changed there."""
    from threadlens.analysis import analyse
    from threadlens.analysis.rules import load_rules
    from threadlens.review import apply_review, load_review, review_changes

    review = load_review(path, graph, scores, chosen)
    applied = apply_review(scores, review, load_rules(chosen).threshold)
    reviewed = analyse(graph, applied, chosen, conflicted=conflicted)
    changes = review_changes(findings, reviewed, graph)
    for conversation in reviewed.conversations:
        conversation.changed_by_review = changes.get(conversation.conversation_id, ())
    reviewed.review = review
    return applied, reviewed


def _definition_option(definition: str | Path | Definition | None) -> str | None:
    """How the definition was chosen, as recorded in the options: its name or path."""
    if isinstance(definition, Definition):
        return str(definition.path)
    return None if definition is None else str(definition)


def write_outputs(case: Case, out: str | Path, *, html: bool = True, pdf: bool = True) -> list[Path]:
    """Write ``findings.json`` and ``messages.csv`` (and ``report.html``, ``timeline.pdf``) into ``out``, and
    ``inputs.json``: where the case's inputs, manifest and definition lie, for ``threadlens report`` (not part
    of the findings, which name files the same wherever they lie)."""
    from threadlens.report.tables import write_tables

    folder = Path(out)
    written = write_tables(case, folder)
    written.append(
        atomic_write_text(folder / LOCATIONS, json.dumps(case.locations, indent=2, ensure_ascii=False) + "\n")
    )
    if html:
        from threadlens.report.html import write_html

        written.append(write_html(case, folder / "report.html"))
    if pdf:
        from threadlens.report.pdf import write_pdf

        written.append(write_pdf(case, folder / "timeline.pdf"))
    return written


def case_from_outputs(
    out_dir: str | Path,
    *,
    key_dir: str | Path | None = None,
    today: date | None = None,
    review: str | Path | None = None,
) -> Case:
    """The case behind an analysis folder, analysed again from its recorded inputs, to regenerate its reports.

    ``findings.json`` records every input's SHA-256, the consent manifest's, the definition's name and SHA-256
    and the options; ``inputs.json`` beside it says where the inputs, manifest and definition lie (without it,
    recorded paths are tried from the working directory and the folder). An input or manifest that is missing
    or changed, an input added, a definition that changed since, or a retention date that has passed is a clear
    error rather than a report that no longer matches its findings (or one the consent no longer allows).
    A panel's review recorded in the findings is applied again after checking its SHA-256; ``review`` applies
    another review file instead (the findings change with it, so the caller writes them again).
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
        raise ReportError(
            "no findings.json in this folder", path=str(folder), hint="Run 'threadlens analyse PATH... --out DIR' first"
        ) from None
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ReportError(
            f"findings.json cannot be read ({error})",
            path=str(record_path),
            expected="the findings.json written by 'threadlens analyse'",
        ) from None
    options = record.get("options") or {}
    consent = record.get("consent") or {}
    locations = _locations(folder)
    manifest = _recorded_manifest(folder, locations.get("manifest") or options.get("manifest"), consent.get("sha256"))
    if options.get("pseudonymised") and not manifest and not options.get("unconsented"):
        raise ReportError(
            "this analysis pseudonymised authors, but findings.json names no consent manifest",
            path=str(record_path),
            hint="Run 'threadlens analyse' again with the manifest",
        )

    roots = {entry["name"]: Path(entry["path"]) for entry in locations.get("inputs", [])}
    top_level: list[Path] = list(roots.values())
    for entry in inputs:
        outer, _, member = entry["path"].partition("!")
        name, _, below = outer.partition("/")
        tried = [roots[name] / below if below else roots[name]] if name in roots else [Path(outer), folder / outer]
        located = next((p for p in tried if p.exists()), None)
        if located is None:
            raise InputError(
                "an input of this analysis is missing",
                path=str(tried[0]),
                hint="Put it back where the analysis read it (inputs.json in the analysis folder), "
                "or run 'threadlens analyse' again",
            )
        source = SourceFile(located, display=outer)
        if member:
            source = source.members().get(member) or source
        if source.sha256 != entry["sha256"]:
            raise InputError(
                f"the input changed since the analysis (SHA-256 {source.sha256}, recorded {entry['sha256']})",
                path=entry["path"],
                hint="Run 'threadlens analyse' again to analyse the changed data",
            )
        if not roots and located not in top_level:
            top_level.append(located)

    chosen = load_definition(locations.get("definition") or options.get("definition") or recorded_definition["name"])
    if chosen.sha256 != recorded_definition["sha256"]:
        raise ReportError(
            f"definition {chosen.name!r} changed since the analysis (SHA-256 {chosen.sha256}, recorded "
            f"{recorded_definition['sha256']})",
            path=str(chosen.path),
            hint="Restore the definition, or run 'threadlens analyse' again",
        )
    case_id = consent.get("case_id") or folder.name
    if options.get("pseudonymised"):
        from threadlens.privacy.keys import default_key_dir, read_case_key

        key_dir = key_dir if key_dir is not None else default_key_dir()
        read_case_key(key_dir, case_id, options.get("pseudonym_key") or "")  # never a new key: pseudonyms would change
    if review is None:
        review = _recorded_review(folder, locations.get("review") or options.get("review"), record.get("review"))
    case = analyse_case(
        top_level,
        consent=manifest,
        allow_unconsented=bool(options.get("unconsented")),
        case_id=case_id,
        format=options.get("format", "auto"),
        strict=bool(options.get("strict")),
        reader_options=options.get("reader_options"),
        definition=chosen if options.get("definition") else None,
        reveal=bool(options.get("reveal")),
        key_dir=key_dir,
        today=today,
        review=review,
    )
    if roots:
        names = InputNames(roots.values())
        added = sorted({names.name(item.path) for item in case.read.inputs} - {entry["path"] for entry in inputs})
        if added:
            raise InputError(
                f"{len(added)} input file(s) were added since the analysis",
                path=added[0],
                hint="Run 'threadlens analyse' again to analyse the data as it is now",
            )
    return case


def _locations(folder: Path) -> dict[str, Any]:
    """The ``inputs.json`` of an analysis folder; empty when it has none (an analysis made before it existed)."""
    from threadlens.errors import ReportError

    try:
        locations = json.loads((folder / LOCATIONS).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as error:
        raise ReportError(
            f"inputs.json cannot be read ({error})",
            path=str(folder / LOCATIONS),
            expected="the inputs.json written by 'threadlens analyse'",
        ) from None
    return locations if isinstance(locations, dict) else {}


def _recorded_review(folder: Path, recorded: str | None, record: dict[str, Any] | None) -> Path | None:
    """The review file an analysis applied, found as recorded or beside the folder, and unchanged since."""
    from threadlens.errors import ReviewError

    return _recorded_file(
        folder,
        recorded,
        (record or {}).get("sha256"),
        what="review file",
        errors=(ReviewError, ReviewError),
        hints=(
            "Put it back where the analysis read it (inputs.json in the analysis folder), or give --review",
            "Give it again with --review to apply the readings as they are now",
        ),
    )


def _recorded_manifest(folder: Path, recorded: str | None, sha256: str | None) -> Path | None:
    """The consent manifest an analysis recorded, found as given or beside the folder, and unchanged since."""
    from threadlens.errors import ReportError

    return _recorded_file(
        folder,
        recorded,
        sha256,
        what="consent manifest",
        errors=(ConsentError, ReportError),
        hints=(
            "Put it back where the analysis read it (inputs.json in the analysis folder)",
            "Run 'threadlens analyse' again under the changed manifest",
        ),
    )


def _recorded_file(
    folder: Path,
    recorded: str | None,
    sha256: str | None,
    *,
    what: str,
    errors: tuple[type[ThreadlensError], type[ThreadlensError]],
    hints: tuple[str, str],
) -> Path | None:
    """A file an analysis recorded, found as recorded or beside the folder (by its path or its name), and unchanged
    since; ``errors`` and ``hints`` for a file missing and a file changed."""
    from threadlens.io import file_sha256

    if not recorded:
        return None
    tried = (Path(recorded), folder / recorded, folder / Path(recorded).name)
    located = next((path for path in tried if path.is_file()), None)
    if located is None:
        raise errors[0](f"the {what} of this analysis is missing", path=recorded, hint=hints[0])
    found = file_sha256(located)
    if sha256 and found != sha256:
        raise errors[1](
            f"the {what} changed since the analysis (SHA-256 {found}, recorded {sha256})",
            path=str(located),
            hint=hints[1],
        )
    return located
