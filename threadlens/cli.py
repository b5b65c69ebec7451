"""The ``threadlens`` command. Thin: it parses options, calls the library and prints.

Every :class:`~threadlens.errors.ThreadlensError` becomes one clear message on stderr and exit code 2;
no traceback is shown for a user's mistake.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from threadlens import __version__
from threadlens.errors import ThreadlensError
from threadlens.ingest import readers
from threadlens.report.terminal import chain_lines, conversations_table, findings_table
from threadlens.scoring import scorers

app = typer.Typer(
    name="threadlens",
    help="Rebuild reply chains from social-media exports, score hostility with evidence, and show who escalated first.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

Paths = Annotated[list[Path], typer.Argument(help="Export files, folders or ZIP archives.")]
FormatOption = Annotated[
    str, typer.Option("--format", "-f", help=f"Reader: auto (sniffed) or one of {', '.join(readers())}.")
]
ScorerOption = Annotated[str, typer.Option("--scorer", help=f"Scorer: one of {', '.join(scorers())}.")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Fail on the first unusable record.")]
WideOption = Annotated[bool, typer.Option("--wide", help="Show ids, times and every column whole, however wide.")]
ColumnOption = Annotated[
    list[str] | None,
    typer.Option("--column", help="csv/jsonl column mapping CANONICAL=ACTUAL, e.g. id=tweet_id (repeatable)."),
]
PlatformOption = Annotated[
    str | None, typer.Option("--platform", help="Platform of csv/jsonl rows that name none (e.g. x, whatsapp).")
]
KeyDirOption = Annotated[
    Path | None,
    typer.Option(
        "--key-dir",
        help="Folder of the pseudonym keys (default: $THREADLENS_KEY_DIR or the user's data "
        "folder; never inside --out).",
    ),
]
DefinitionOption = Annotated[
    str | None, typer.Option("--definition", "-d", help="Definition name in config/definitions/ or a path.")
]


def _reader_options(columns: list[str] | None, platform: str | None) -> dict:
    """The reader options of ``--column`` and ``--platform``; a malformed mapping is a clear error."""
    from threadlens.errors import InputError

    mapping = {}
    for item in columns or []:
        canonical, equals, actual = item.partition("=")
        if not equals or not canonical.strip() or not actual.strip():
            raise InputError(f"--column {item!r} is not CANONICAL=ACTUAL", expected="e.g. --column id=tweet_id")
        mapping[canonical.strip()] = actual.strip()
    options: dict = {"columns": mapping} if mapping else {}
    if platform:
        options["platform"] = platform
    return options


SHOWN_REASONS = 3


def _check_paths(paths: list[Path]) -> None:
    """A clear error for the first input path that does not exist, before anything else is asked of the user."""
    from threadlens.errors import InputError

    for path in paths:
        if not path.exists():
            raise InputError("file or folder not found", path=str(path), hint="Check the path and try again")


def _print_problems(result, *, rest: str, conversations=()) -> None:
    """On stderr, after a command: the records that could not be used (how many per file, the first reasons and
    where all of them are listed), conflicting versions, and whether findings are inconclusive while records
    were rejected. ``result`` is a :class:`~threadlens.model.ReadResult`."""
    errors = [p for p in result.problems if p.severity == "error"]
    if errors:
        err_console.print(Text(f"{len(errors)} record(s) could not be used:", style="yellow"), highlight=False)
        counts: dict[str, int] = {}
        for problem in errors:
            counts[problem.path] = counts.get(problem.path, 0) + 1
        for path, count in counts.items():
            err_console.print(Text(f"  {path}: {count}"), highlight=False)
        for problem in errors[:SHOWN_REASONS]:
            err_console.print(Text(f"  first: {problem.path}: {problem.position}: {problem.reason}"), highlight=False)
        err_console.print(Text(f"  every one is listed in {rest}"), highlight=False)
    conflicts = getattr(result, "conflicts", [])
    if conflicts:
        ids = ", ".join(conflict.message_id for conflict in conflicts[:SHOWN_REASONS])
        err_console.print(
            Text("warning: ", style="yellow")
            + Text(
                f"{len(conflicts)} message(s) have versions that disagree between files ({ids}"
                f"{', …' if len(conflicts) > SHOWN_REASONS else ''}); every version is kept and findings resting on "
                f"them are inconclusive (see {rest})"
            ),
            highlight=False,
        )
    inconclusive = sum(1 for conversation in conversations if conversation.inconclusive)
    if errors and inconclusive:
        err_console.print(
            Text("warning: ", style="yellow")
            + Text(
                f"{inconclusive} conversation(s) are inconclusive, and {len(errors)} record(s) could not be used: a "
                "rejected record may be one of the messages they miss; fix the input and analyse again"
            ),
            highlight=False,
        )


def _version(value: bool) -> None:
    if value:
        console.print(f"threadlens {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """threadlens: who escalated first, with evidence a panel can check."""


@app.command()
def formats() -> None:
    """List the readers and what each reads."""
    table = Table("format", "reads")
    for reader in readers().values():
        table.add_row(reader.name, reader.description)
    console.print(table)


@app.command()
def inspect(
    paths: Paths,
    format: FormatOption = "auto",
    strict: StrictOption = False,
    column: ColumnOption = None,
    platform: PlatformOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    consent: Annotated[
        Path | None, typer.Option("--consent", help="Also show which messages this manifest's scope keeps.")
    ] = None,
    wide: WideOption = False,
) -> None:
    """Per conversation: messages, participants, time span, depth, missing parents, edits, deletions."""
    from threadlens.ingest import read_inputs
    from threadlens.thread import build_graph, summarise_conversations

    scope_rules = _scope_rules(consent)
    result = read_inputs(paths, format=format, strict=strict, options=_reader_options(column, platform))
    if not result.messages:
        from threadlens.pipeline import NothingRead

        raise NothingRead(result)
    graph = build_graph(result.messages)
    summaries = summarise_conversations(graph)
    scope = None
    if consent is not None:
        from threadlens.scope import overview

        scope = overview(result.messages, scope_rules)
    if as_json:
        payload = {
            **({"scope": scope} if scope is not None else {}),
            "inputs": [
                {"path": i.path, "sha256": i.sha256, "format": i.format, "messages": i.messages, "rejected": i.rejected}
                for i in result.inputs
            ],
            "conversations": summaries,
            "problems": [
                {"path": p.path, "position": p.position, "reason": p.reason, "severity": p.severity}
                for p in result.problems
            ],
        }
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    for item in result.inputs:
        console.print(
            Text(item.path, style="bold")
            + Text(f" ({item.format}): {item.messages} messages, {item.rejected} rejected, sha256 {item.sha256[:16]}…")
        )
    console.print(conversations_table(summaries, width=console.width, wide=wide))
    if scope is not None:
        _print_scope(scope, graph.conversations())
    _print_problems(result, rest="the output of 'threadlens inspect --json'")


def _scope_rules(consent: Path | None):
    """The machine-checked scope of a manifest (None when it has only prose, or no manifest is given)."""
    if consent is None:
        return None
    from threadlens.privacy import load_manifest

    return load_manifest(consent).scope_rules


def _print_scope(scope: dict, conversations: dict[str, list[str]]) -> None:
    """Per conversation, how many messages the scope keeps, keeps as context and leaves out (and why)."""
    if not scope["checked"]:
        err_console.print(Text("warning: ", style="yellow") + Text(scope["warning"]), highlight=False)
        return
    status = {item["id"]: item["status"] for item in scope["messages"]}
    table = Table("conversation", "in scope", "context", "left out", "why left out", title="scope")
    for key, ids in conversations.items():
        found = [status[i] for i in ids if i in status]
        reasons = sorted({s.removeprefix("out: ") for s in found if s.startswith("out: ")})
        table.add_row(
            Text(key),
            str(found.count("in")),
            str(sum(s.startswith("context") for s in found)),
            str(sum(s.startswith("out") for s in found)),
            Text(", ".join(reasons)),
        )
    console.print(table)
    console.print(
        f"{scope['in']} in scope ({scope['context']} as context), {scope['left_out']} left out", highlight=False
    )
    for missing in scope["conversations_not_found"]:
        err_console.print(Text(f"warning: scope conversation {missing} is not in the data", style="yellow"))


fetch_app = typer.Typer(
    help="Collect a conversation through a platform API, with a consent record (credentials from the environment).",
    no_args_is_help=True,
)
app.add_typer(fetch_app, name="fetch")
ConsentOption = Annotated[
    Path | None, typer.Option("--consent", help="The case's consent manifest (submission.toml). Required.")
]
FetchOutOption = Annotated[
    Path, typer.Option("--out", "-o", help="Output file; FILE.provenance.json is written beside it.")
]


def _fetched(result) -> None:
    """Print what a fetch (a :class:`threadlens.fetch.FetchResult`) wrote, and its notes."""
    console.print(
        f"wrote {result.out} ({result.pages} page(s), complete); provenance in {result.provenance}",
        markup=False,
        highlight=False,
    )
    for note in result.notes:
        err_console.print(Text("note: ", style="yellow") + Text(note), highlight=False)


@fetch_app.command("x")
def fetch_x(
    conversation: Annotated[str, typer.Option("--conversation", help="Conversation id (its first tweet's id).")],
    out: FetchOutOption,
    consent: ConsentOption = None,
    archive: Annotated[bool, typer.Option("--archive", help="Full-archive search instead of the last 7 days.")] = False,
) -> None:
    """Fetch an X conversation with the API v2 (bearer token from X_BEARER_TOKEN) as JSONL pages."""
    from threadlens.fetch.x import fetch_conversation

    _fetched(fetch_conversation(conversation, consent=consent, out=out, archive=archive, console=err_console))


@fetch_app.command("mastodon")
def fetch_mastodon(
    status: Annotated[str, typer.Option("--status", help="Status id (with --instance) or status URL.")],
    out: FetchOutOption,
    consent: ConsentOption = None,
    instance: Annotated[
        str | None, typer.Option("--instance", help="Instance base URL, e.g. https://mastodon.social.")
    ] = None,
) -> None:
    """Fetch a Mastodon status and its context (token from MASTODON_ACCESS_TOKEN, optional for public posts)."""
    from threadlens.fetch.mastodon import fetch_thread

    _fetched(fetch_thread(status, consent=consent, out=out, instance=instance, console=err_console))


@fetch_app.command("bluesky")
def fetch_bluesky(
    post: Annotated[str, typer.Option("--post", help="at:// URI or bsky.app URL of a post in the thread.")],
    out: FetchOutOption,
    consent: ConsentOption = None,
) -> None:
    """Fetch a Bluesky thread with getPostThread (login from BSKY_HANDLE / BSKY_APP_PASSWORD if set)."""
    from threadlens.fetch.bluesky import fetch_thread

    _fetched(fetch_thread(post, consent=consent, out=out, console=err_console))


@app.command()
def report(
    folder: Annotated[Path, typer.Argument(help="An analysis folder holding findings.json.")],
    no_html: Annotated[bool, typer.Option("--no-html", help="Do not write report.html.")] = False,
    no_pdf: Annotated[bool, typer.Option("--no-pdf", help="Do not write timeline.pdf.")] = False,
    key_dir: KeyDirOption = None,
) -> None:
    """Regenerate report.html and timeline.pdf of an analysis, after checking its inputs, consent manifest
    (SHA-256, dates, retention) and definition are unchanged."""
    from threadlens.pipeline import case_from_outputs
    from threadlens.report.html import write_html
    from threadlens.report.pdf import write_pdf

    case = case_from_outputs(folder, key_dir=key_dir)
    _print_problems(
        case.read, rest=f"{folder / 'findings.json'} (problems, conflicts)", conversations=case.findings.conversations
    )
    if not no_html:
        console.print(f"wrote {write_html(case, folder / 'report.html')}", highlight=False)
    if not no_pdf:
        console.print(f"wrote {write_pdf(case, folder / 'timeline.pdf')}", highlight=False)


BATCH_TABLE_ROWS = 50


@app.command()
def batch(
    submissions: Annotated[Path, typer.Argument(help="A folder with one sub-folder per submission.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (reused by a rerun to resume).")],
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Local workers (default: CPUs).")] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Use a running Dask cluster: tcp://host:port.")
    ] = None,
    definition: DefinitionOption = None,
    allow_unconsented: Annotated[
        bool, typer.Option("--allow-unconsented", help="Analyse submissions without a valid manifest (recorded).")
    ] = False,
    reveal: Annotated[bool, typer.Option("--reveal", help="Do not pseudonymise non-parties (recorded).")] = False,
    key_dir: KeyDirOption = None,
    no_html: Annotated[bool, typer.Option("--no-html", help="Do not write report.html per case.")] = False,
    no_pdf: Annotated[bool, typer.Option("--no-pdf", help="Do not write timeline.pdf per case.")] = False,
) -> None:
    """Analyse every submission (exports + submission.toml) on Dask; resumable, audited in OUT/audit.jsonl.

    Exits 0 when the run completed (failed and rejected submissions are listed), 1 when not one
    submission could be analysed.
    """
    from threadlens.batch import batch as run_batch

    summary = run_batch(
        submissions,
        out,
        workers=workers,
        scheduler=scheduler,
        definition=definition,
        allow_unconsented=allow_unconsented,
        reveal=reveal,
        key_dir=key_dir,
        html=not no_html,
        pdf=not no_pdf,
        progress=True,
    )
    columns = ("submission", "case_id", "status", "messages", "first_escalators", "chains", "reason")
    shown = summary.astype(object).where(summary.notna(), "")
    if len(shown) > BATCH_TABLE_ROWS:  # a long run: the counts, and only the submissions that need a look
        counts = shown["status"].value_counts()
        console.print(", ".join(f"{count} {status}" for status, count in counts.items()), highlight=False)
        shown = shown[~shown["status"].isin(["ok", "skipped"])]
    if len(shown):
        table = Table(*(name.replace("_", " ") for name in columns))
        for values in shown[list(columns)].itertuples(index=False):
            table.add_row(*(Text(str(value)) for value in values))
        console.print(table)
    console.print(
        f"summary in {out / 'summary.csv'}; errors in {out / 'errors.csv'}; audit in {out / 'audit.jsonl'}",
        highlight=False,
    )
    if len(summary) and not summary["status"].isin(["ok", "skipped"]).any():
        raise typer.Exit(1)


@app.command()
def analyse(
    paths: Paths,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder for findings.json, messages.csv, reports.")],
    format: FormatOption = "auto",
    strict: StrictOption = False,
    column: ColumnOption = None,
    platform: PlatformOption = None,
    definition: DefinitionOption = None,
    consent: Annotated[
        Path | None,
        typer.Option("--consent", help="Consent manifest (submission.toml); non-parties are pseudonymised."),
    ] = None,
    allow_unconsented: Annotated[
        bool,
        typer.Option(
            "--allow-unconsented", help="Analyse without a consent manifest (recorded; everyone is pseudonymised)."
        ),
    ] = False,
    reveal: Annotated[bool, typer.Option("--reveal", help="Do not pseudonymise non-parties (recorded).")] = False,
    key_dir: KeyDirOption = None,
    no_html: Annotated[bool, typer.Option("--no-html", help="Do not write report.html.")] = False,
    no_pdf: Annotated[bool, typer.Option("--no-pdf", help="Do not write timeline.pdf.")] = False,
    wide: WideOption = False,
) -> None:
    """Who escalated first, and the provocation → reaction → accusation chains, with every message scored.

    Example: threadlens analyse sample_threads/pra-x-archive --consent sample_threads/pra-x-archive/submission.toml
    --out case/
    """
    from threadlens.pipeline import analyse_case

    _check_paths(paths)
    case = analyse_case(
        paths,
        out,
        consent=consent,
        allow_unconsented=allow_unconsented,
        format=format,
        strict=strict,
        reader_options=_reader_options(column, platform),
        definition=definition,
        reveal=reveal,
        key_dir=key_dir,
        html=not no_html,
        pdf=not no_pdf,
    )
    _scope_notes(case.consent)
    console.print(findings_table(case, width=console.width, wide=wide))
    for line in chain_lines(case, wide=wide):
        console.print(line)
    console.print(f"wrote {', '.join(sorted(p.name for p in out.iterdir() if p.is_file()))} in {out}", highlight=False)
    _print_problems(
        case.read, rest=f"{out / 'findings.json'} (problems, conflicts)", conversations=case.findings.conversations
    )


def _scope_notes(consent: dict | None) -> None:
    """Print what minimisation left out, and the warning of a scope no machine checked."""
    record = (consent or {}).get("minimisation") or {}
    if record.get("warning"):
        err_console.print(Text("warning: ", style="yellow") + Text(record["warning"]), highlight=False)
    if record.get("left_out"):
        err_console.print(
            Text(
                f"scope: {record['left_out']} message(s) outside the consent's scope were left out "
                "(counted per file in findings.json, consent.minimisation)"
            ),
            highlight=False,
        )
    if record.get("context"):
        err_console.print(
            Text(f"scope: {len(record['context'])} message(s) outside the scope kept as context"), highlight=False
        )
    for missing in record.get("conversations_not_found") or []:
        err_console.print(
            Text(f"warning: scope conversation {missing} is not in the data", style="yellow"), highlight=False
        )


@app.command("eval-escalation")
def eval_escalation(
    path: Annotated[Path, typer.Argument(help="A ToxiChat JSONL file (train.jsonl or dev.jsonl).")],
    definition: DefinitionOption = None,
) -> None:
    """How often the first escalation reported is the first offensive turn of a ToxiChat chain (exact match)."""
    from threadlens.analysis.evaluation import NONE, evaluate_toxichat

    result = evaluate_toxichat(path, definition)
    console.print(
        f"{result.chains} chains: first-escalation accuracy {result.accuracy:.3f} "
        f"(always '{NONE}': {result.always_none_accuracy:.3f})",
        highlight=False,
    )
    console.print("wrong: " + ", ".join(f"{kind} {n}" for kind, n in result.breakdown().items()), highlight=False)
    turns = sorted({turn for pair in result.confusion for turn in pair}, key=lambda turn: (turn == NONE, turn))
    table = Table("first offensive ↓ / reported →", *turns)
    for gold in turns:
        table.add_row(gold, *(str(result.confusion[gold, answer]) for answer in turns))
    console.print(table)


@app.command()
def score(
    path: Annotated[Path, typer.Argument(help="CSV, TSV, JSONL or Parquet file with a text column.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file: .csv or .parquet.")],
    text_column: Annotated[str, typer.Option("--text-column", help="Column holding the text.")] = "text",
    definition: DefinitionOption = None,
    scorer: ScorerOption = "lens",
) -> None:
    """Score every text of a file; writes its columns plus score, level, hostile, categories and evidence (JSON)."""
    from threadlens.scoring.files import score_file

    frame = score_file(path, out, text_column=text_column, definition=definition, scorer=scorer)
    console.print(f"scored {len(frame)} texts ({int(frame['hostile'].sum())} hostile); wrote {out}", highlight=False)


@app.command()
def explain(
    text: Annotated[str, typer.Argument(help="The text to score and explain.")],
    definition: DefinitionOption = None,
    scorer: ScorerOption = "lens",
    detail: Annotated[bool, typer.Option("--detail", help="Also list every piece of evidence.")] = False,
) -> None:
    """Score one text and say why, in plain words: its level's reason, what fired and what each adds (the
    additions sum to the score)."""
    from threadlens.definition import load_definition
    from threadlens.scoring import score_texts
    from threadlens.scoring.explain import evidence_table, explanation_table, highlighted, summary

    chosen = load_definition(definition)
    result = score_texts([text], chosen, scorer)[0]
    console.print(highlighted(text, result))
    console.print(summary(result))
    console.print(explanation_table(result))
    if detail:
        console.print(evidence_table(result))
    console.print(Text(f"definition {chosen.name} {chosen.version} sha256 {chosen.sha256}", style="dim"))


@app.command("eval")
def eval_scores(
    path: Annotated[Path, typer.Argument(help="Labelled CSV, TSV, JSONL or Parquet file.")],
    label_column: Annotated[str, typer.Option("--label-column", help="Column holding the label.")],
    text_column: Annotated[str, typer.Option("--text-column", help="Column holding the text.")] = "text",
    positive: Annotated[
        str, typer.Option("--positive", help="Comma-separated label values that mean hostile.")
    ] = "1,true,yes,OFF,offensive,hostile,toxic,abusive",
    group_column: Annotated[
        str | None, typer.Option("--group-column", help="Also print accuracy per value of this column.")
    ] = None,
    definition: DefinitionOption = None,
    scorer: ScorerOption = "lens",
) -> None:
    """ROC-AUC, precision/recall/F1 at the hostile threshold, a confusion table and the worst errors."""
    from threadlens.scoring.evaluate import evaluate_file

    result = evaluate_file(path, label_column, text_column, positive.split(","), definition, scorer, group_column)
    auc = "n/a (one class)" if result.roc_auc is None else f"{result.roc_auc:.4f}"
    console.print(
        f"{result.n} texts · ROC-AUC {auc} · precision {result.precision:.3f} · recall {result.recall:.3f}"
        f" · F1 {result.f1:.3f} · accuracy {result.accuracy:.3f}",
        highlight=False,
    )
    confusion = Table("", "predicted hostile", "predicted not")
    confusion.add_row("labelled hostile", str(result.confusion["tp"]), str(result.confusion["fn"]))
    confusion.add_row("labelled not", str(result.confusion["fp"]), str(result.confusion["tn"]))
    console.print(confusion)
    if result.groups:
        groups = Table("group", "n", "accuracy")
        for name, figures in result.groups.items():
            groups.add_row(Text(name), str(figures["n"]), f"{figures['accuracy']:.3f}")
        console.print(groups)
    worst = Table("label", "score", "text", title="worst errors")
    for item in result.worst:
        worst.add_row(str(item["label"]), f"{item['score']:.3f}", Text(item["text"]))
    console.print(worst)


@app.command("eval-spans")
def eval_spans(
    path: Annotated[Path, typer.Argument(help="CSV, TSV, JSONL or Parquet with a text and a spans column.")],
    text_column: Annotated[str, typer.Option("--text-column", help="Column holding the text.")] = "text",
    spans_column: Annotated[str, typer.Option("--spans-column", help="Column of toxic character offsets.")] = "spans",
    definition: DefinitionOption = None,
) -> None:
    """How well the highlighted spans match the words people marked: mean per-post F1 over character offsets
    (the Toxic Spans task's measure), micro precision and recall."""
    from threadlens.scoring.evaluate import evaluate_spans_file

    n, f1, precision, recall = evaluate_spans_file(path, text_column, spans_column, definition)
    console.print(
        f"{n} texts · span F1 {f1:.4f} · micro precision {precision:.3f} · micro recall {recall:.3f}", highlight=False
    )


@app.command()
def audit(
    definition: DefinitionOption = None,
    scorer: ScorerOption = "lens",
) -> None:
    """Fairness audit: faction, identity, name and dialect swaps must score identically; exit 1 if not."""
    from threadlens.scoring.audit import run_audit

    result = run_audit(definition, scorer)
    table = Table("kind", "template", "variants", "scores", "invariant")
    for group in result.groups:
        spread = f"{min(group.values):.4f}" if group.invariant else f"{min(group.values):.4f}–{max(group.values):.4f}"
        table.add_row(
            group.kind,
            Text(group.template),
            str(len(group.variants)),
            spread,
            "yes" if group.invariant else Text("NO", style="bold red"),
        )
    console.print(table)
    console.print(
        f"{result.invariant_share:.1%} of templates invariant; "
        f"{len(result.hostile_identity_statements)} identity statements scored hostile; "
        f"{len(result.hostile_dialect_statements)} benign dialect sentences scored hostile "
        "(false positives, the same in both spellings)",
        highlight=False,
    )
    for text in result.hostile_identity_statements:
        console.print(Text(f"hostile identity statement: {text}"))
    for text in result.hostile_dialect_statements:
        console.print(Text(f"false positive: {text}"))
    if not result.passed:
        raise typer.Exit(1)


# Commands of later stages are added below this line, one block per command.


@app.command()
def retention(
    out: Annotated[Path, typer.Argument(help="An analysis folder or a batch output folder.")],
    delete: Annotated[
        bool, typer.Option("--delete", help="Remove the expired cases' outputs, keys and state.")
    ] = False,
    key_dir: KeyDirOption = None,
) -> None:
    """List the cases whose retention date has passed; with --delete, remove them completely (audited)."""
    from datetime import UTC, datetime

    from threadlens.retention import case_outputs, delete_expired

    today = datetime.now(UTC).date()
    cases = case_outputs(out)
    table = Table("case", "case id", "retention date", "status")
    for case in cases:
        status = "expired" if case.expired(today) else "kept" if case.retention_date else "no retention date"
        table.add_row(
            Text(case.name),
            Text(case.case_id),
            str(case.retention_date or ""),
            Text(status, style="bold red" if status == "expired" else ""),
        )
    console.print(table)
    expired = sum(case.expired(today) for case in cases)
    if not delete:
        console.print(
            f"{expired} expired case(s)"
            + (f"; delete them with 'threadlens retention {out} --delete'" if expired else ""),
            highlight=False,
        )
        return
    for event in delete_expired(out, today, key_dir=key_dir):
        console.print(
            Text(
                f"deleted {event['submission'] or out} (case {event['case_id']}, retention "
                f"{event['retention_date']}): {len(event['removed'])} file(s)"
                + (", its key" if event["key_removed"] else "")
            )
        )
    console.print(f"audit in {out / 'audit.jsonl'}", highlight=False)


def main() -> None:
    """Entry point: run the app, turning threadlens errors into one clear message."""
    try:
        app()
    except ThreadlensError as error:
        err_console.print(Text("error: ", style="bold red") + Text(str(error)), highlight=False, soft_wrap=True)
        sys.exit(2)
