"""The consoles commands print to, and the problems of a read as every command reports them."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

console = Console()
err_console = Console(stderr=True)
SHOWN_REASONS = 3


def print_problems(result, *, rest: str, conversations=()) -> None:
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
