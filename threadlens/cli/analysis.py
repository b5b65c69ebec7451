"""One case: ``analyse`` its exports, and regenerate its ``report`` from the findings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from threadlens.cli.options import (
    ColumnOption,
    DefinitionOption,
    FormatOption,
    KeyDirOption,
    Paths,
    PlatformOption,
    ReviewOption,
    StrictOption,
    WideOption,
    check_paths,
    reader_options,
)
from threadlens.cli.output import console, err_console, print_problems
from threadlens.report.terminal import chain_lines, findings_table, readings_lines

app = typer.Typer()


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
    every: Annotated[
        bool, typer.Option("--all", help="List every conversation, not only those with findings.")
    ] = False,
    review: ReviewOption = None,
) -> None:
    """Who escalated first, and the provocation → reaction → accusation chains, with every message scored.

    Example: threadlens analyse sample_threads/pra-x-archive --consent sample_threads/pra-x-archive/submission.toml
    --out case/
    """
    from threadlens.pipeline import analyse_case

    check_paths(paths)
    case = analyse_case(
        paths,
        out,
        consent=consent,
        allow_unconsented=allow_unconsented,
        format=format,
        strict=strict,
        reader_options=reader_options(column, platform),
        definition=definition,
        reveal=reveal,
        key_dir=key_dir,
        html=not no_html,
        pdf=not no_pdf,
        review=review,
    )
    _scope_notes(case.consent)
    for line in readings_lines(case, wide=wide):
        console.print(line, highlight=False)
    console.print(findings_table(case, width=console.width, wide=wide, every=every))
    for line in chain_lines(case, wide=wide):
        console.print(line)
    console.print(f"wrote {', '.join(sorted(p.name for p in out.iterdir() if p.is_file()))} in {out}", highlight=False)
    print_problems(
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


@app.command()
def report(
    folder: Annotated[Path, typer.Argument(help="An analysis folder holding findings.json.")],
    no_html: Annotated[bool, typer.Option("--no-html", help="Do not write report.html.")] = False,
    no_pdf: Annotated[bool, typer.Option("--no-pdf", help="Do not write timeline.pdf.")] = False,
    key_dir: KeyDirOption = None,
    review: ReviewOption = None,
) -> None:
    """Regenerate report.html and timeline.pdf of an analysis, after checking its inputs, consent manifest
    (SHA-256, dates, retention), definition and review file are unchanged. With --review, the panel's readings
    are applied and every finding is worked out again (findings.json and messages.csv are written again too)."""
    from threadlens.pipeline import case_from_outputs, write_outputs
    from threadlens.report.html import write_html
    from threadlens.report.pdf import write_pdf

    case = case_from_outputs(folder, key_dir=key_dir, review=review)
    print_problems(
        case.read, rest=f"{folder / 'findings.json'} (problems, conflicts)", conversations=case.findings.conversations
    )
    if review is not None:
        written = write_outputs(case, folder, html=not no_html, pdf=not no_pdf)
        for line in readings_lines(case, wide=False):
            console.print(line, highlight=False)
        console.print(findings_table(case, width=console.width, wide=False))
        console.print(f"wrote {', '.join(sorted(p.name for p in written))} in {folder}", highlight=False)
        return
    if not no_html:
        console.print(f"wrote {write_html(case, folder / 'report.html')}", highlight=False)
    if not no_pdf:
        console.print(f"wrote {write_pdf(case, folder / 'timeline.pdf')}", highlight=False)
