"""``threadlens fetch``: collect a conversation through a platform API, with a consent record."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from threadlens.cli.output import console, err_console

app = typer.Typer(
    help="Collect a conversation through a platform API, with a consent record (credentials from the environment).",
    no_args_is_help=True,
)
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


@app.command("x")
def fetch_x(
    conversation: Annotated[str, typer.Option("--conversation", help="Conversation id (its first tweet's id).")],
    out: FetchOutOption,
    consent: ConsentOption = None,
    archive: Annotated[bool, typer.Option("--archive", help="Full-archive search instead of the last 7 days.")] = False,
) -> None:
    """Fetch an X conversation with the API v2 (bearer token from X_BEARER_TOKEN) as JSONL pages."""
    from threadlens.fetch.x import fetch_conversation

    _fetched(fetch_conversation(conversation, consent=consent, out=out, archive=archive, console=err_console))


@app.command("mastodon")
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


@app.command("bluesky")
def fetch_bluesky(
    post: Annotated[str, typer.Option("--post", help="at:// URI or bsky.app URL of a post in the thread.")],
    out: FetchOutOption,
    consent: ConsentOption = None,
) -> None:
    """Fetch a Bluesky thread with getPostThread (login from BSKY_HANDLE / BSKY_APP_PASSWORD if set)."""
    from threadlens.fetch.bluesky import fetch_thread

    _fetched(fetch_thread(post, consent=consent, out=out, console=err_console))
