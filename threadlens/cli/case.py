"""``threadlens case init``: draft a case's consent manifest from its exports, choosing conversations and parties
by id or, in a terminal, from numbered lists."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.prompt import Prompt
from rich.table import Table
from rich.text import Text

from threadlens.cli.options import (
    ColumnOption,
    FormatOption,
    Paths,
    PlatformOption,
    StrictOption,
    check_paths,
    reader_options,
)
from threadlens.cli.output import console, print_problems
from threadlens.errors import InputError
from threadlens.intake import (
    Conversation,
    PartyDraft,
    chosen,
    conversation_choices,
    draft_manifest,
    find_parties,
    narrow,
    participants,
)

app = typer.Typer(help="Start a case: draft its consent manifest from the exports.", no_args_is_help=True)
SHOWN_CHOICES = 40  # conversations listed at once in a terminal; words narrow the rest
KEY_WIDTH = 24  # characters of a conversation's id in the list (longer ones end in …)
PEOPLE_WIDTH = 16  # characters of the participants' handles in the list
MIN_TEXT_WIDTH = 8  # the root's first words are shown only when this much room is left
ROLES = ("complainant", "respondent")  # offered to the first two parties chosen in a terminal
_NUMBERS = re.compile(r"^\s*\d+(?:\s*-\s*\d+)?(?:\s*\+\s*\d+)*(?:[\s,]+\d+(?:\s*-\s*\d+)?(?:\s*\+\s*\d+)*)*\s*$")
DAY = ["%Y-%m-%d"]


@app.command("init")
def init(
    paths: Paths,
    out: Annotated[Path, typer.Option("--out", "-o", help="The manifest to write, e.g. submission.toml.")],
    conversation: Annotated[
        list[str] | None,
        typer.Option("--conversation", help="A conversation id as 'inspect' prints it (repeatable)."),
    ] = None,
    party: Annotated[
        list[str] | None,
        typer.Option(
            "--party",
            help="HANDLE=ROLE, e.g. @cllr_gvoss=complainant; one person's accounts joined by commas "
            "(u/name,name.bsky.social=respondent). Repeatable.",
        ),
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option("--from", formats=DAY, help="List only conversations with a message on or after this day (UTC)."),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option("--until", formats=DAY, help="List only conversations with a message on this day or before."),
    ] = None,
    with_handle: Annotated[
        str | None, typer.Option("--with", help="List only conversations this handle wrote in, e.g. @name.")
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", help="List only conversations with these words in a message.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file at --out.")] = False,
    format: FormatOption = "auto",
    strict: StrictOption = False,
    column: ColumnOption = None,
    platform: PlatformOption = None,
) -> None:
    """Draft submission.toml from the exports: the conversations chosen (ids and dates) and each party's handles
    and ids, with a placeholder for what only a person knows (case id, who submitted, consent, retention).

    In a terminal, without --conversation or --party, it asks for them from numbered lists. Example:
    threadlens case init sample_threads/pra-x-archive --out submission.toml --conversation x:2028818216587677735
    --party @cllr_gvoss=complainant --party @tamsin_oh_left=respondent
    """
    from threadlens.ingest import read_inputs
    from threadlens.pipeline import NothingRead
    from threadlens.thread import build_graph

    check_paths(paths)
    if out.exists() and not force:
        raise InputError("the file exists", path=str(out), hint="Choose another --out, or replace it with --force")
    result = read_inputs(paths, format=format, strict=strict, options=reader_options(column, platform))
    if not result.messages:
        raise NothingRead(result)
    everything = conversation_choices(build_graph(result.messages))
    listed = narrow(
        everything,
        since=since.date() if since else None,
        until=until.date() if until else None,
        with_handle=with_handle,
        search=search,
    )
    if not listed:
        raise InputError("no conversation is left by --from, --until, --with and --search", hint="Narrow less")
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    picked = chosen(listed, conversation) if conversation else _ask_conversations(listed) if terminal else listed
    if party:
        parties = [find_parties(everything, *_handle_and_role(item)) for item in party]
    else:
        parties = _ask_parties(picked, everything) if terminal else []
    out.write_text(draft_manifest(picked, parties), encoding="utf-8")
    console.print(
        f"wrote {out}: {len(picked)} conversation(s), {len(parties)} part{'y' if len(parties) == 1 else 'ies'}; "
        "fill in case_id, submitted_by, consent_basis, consent_date and retention_date",
        highlight=False,
    )
    console.print(
        f"then see its scope: threadlens inspect {' '.join(map(str, paths))} --consent {out}", highlight=False
    )
    print_problems(result, rest="the output of 'threadlens inspect --json'")


def _handle_and_role(item: str) -> tuple[str, str]:
    handle, _, role = item.rpartition("=") if "=" in item else (item, "", "")
    if not handle.strip():
        raise InputError(f"--party {item!r} names no handle", expected="HANDLE=ROLE, e.g. @name=complainant")
    return handle, role.strip()


def _ask_conversations(listed: list[Conversation]) -> list[Conversation]:
    """The conversations an officer picks by number; words typed instead narrow the list (@handle: a participant)."""
    shown = listed
    while True:
        page = shown[:SHOWN_CHOICES]
        console.print(_conversations_table(page, console.width))
        if len(shown) > SHOWN_CHOICES:
            console.print(
                f"{len(shown) - SHOWN_CHOICES} more: type words or @handle to narrow the list", highlight=False
            )
        answer = Prompt.ask("Conversations to include (numbers, e.g. 1 3-5), or words to narrow the list")
        if _NUMBERS.match(answer):
            groups = _numbers(answer, min(len(shown), SHOWN_CHOICES))
            if groups:
                return [shown[number - 1] for group in groups for number in group]
            continue
        handle = answer.strip() if answer.strip().startswith("@") and " " not in answer.strip() else None
        narrower = narrow(shown, with_handle=handle, search=None if handle else answer)
        if narrower:
            shown = narrower
        else:
            console.print(f"no conversation matches {answer!r}", highlight=False)


def _conversations_table(page: list[Conversation], width: int) -> Table:
    """Numbered conversations, one line each, cut to fit ``width``: the root's words take the room left."""
    columns = {
        "#": len(str(len(page))),
        "conversation": min(max(len(item.key) for item in page), KEY_WIDTH),
        "days": max(len(item.span()) for item in page),
        "msgs": len("msgs"),
        "participants": PEOPLE_WIDTH,
    }
    room = width - sum(columns.values()) - 3 * (len(columns) + 1)  # each column's padding and rule
    if room >= MIN_TEXT_WIDTH:
        columns["starts with"] = room
    table = Table(title="conversations", box=box.SIMPLE_HEAD, show_edge=False, title_justify="left")
    for name, size in columns.items():
        table.add_column(name, width=size, no_wrap=True, overflow="ellipsis")
    for number, item in enumerate(page, start=1):
        people = ", ".join(identity.handle for identity in item.participants)
        cells = (str(number), Text(item.key), item.span(), str(item.messages), Text(people), Text(item.root_text))
        table.add_row(*cells[: len(columns)])
    return table


def _ask_parties(picked: list[Conversation], everything: list[Conversation]) -> list[PartyDraft]:
    """The parties an officer picks by number among the chosen conversations' authors, each with a role (and
    their accounts wherever they wrote in the exports)."""
    people = participants(picked)
    table = Table("#", "handle", "platform", "messages", title="participants")
    for number, identity in enumerate(people, start=1):
        table.add_row(str(number), Text(identity.handle), identity.platform, str(identity.messages))
    console.print(table)
    while True:
        answer = Prompt.ask("Parties (numbers; join one person's accounts with +, e.g. 1 2+5)")
        groups = _numbers(answer, len(people)) if _NUMBERS.match(answer) else []
        if groups:
            break
    parties = []
    for index, group in enumerate(groups):
        accounts = ",".join(people[number - 1].author_id for number in group)
        default = ROLES[index] if index < len(ROLES) else ""
        shown = " + ".join(people[number - 1].handle for number in group)
        role = Prompt.ask(f"Role of {shown}", default=default)
        parties.append(find_parties(everything, accounts, role.strip()))
    return parties


def _numbers(answer: str, limit: int) -> list[list[int]]:
    """``1 3-5 2+7`` as groups ``[[1], [3], [4], [5], [2, 7]]``; an empty list (and a message) when one is out of
    range."""
    groups = []
    for part in re.split(r"[\s,]+", re.sub(r"\s*([-+])\s*", r"\1", answer.strip())):
        if "-" in part:
            first, last = map(int, part.split("-"))
            groups.extend([number] for number in range(first, last + 1))
        else:
            groups.append([int(number) for number in part.split("+")])
    if any(not 1 <= number <= limit for group in groups for number in group):
        console.print(f"choose numbers from 1 to {limit}", highlight=False)
        return []
    return groups
