"""Run mutated inputs through threadlens and sort what happened into outcomes.

Each case runs in a forked child process with a wall-clock limit and an address-space cap, so a hang or a
runaway allocation is an outcome of its own and never takes the campaign down. In the child, the library
reads the case (``read_inputs``), then the ``inspect`` command runs on it in-process, its output encoded as
a terminal would (strict UTF-8). A sample also runs ``inspect`` and ``analyse`` as real commands.

Outcomes: ``accepted`` (messages read, or exit 0/1), ``clear error`` (a ``ThreadlensError``; exit 2 with
one message), ``traceback`` (anything else), ``timeout`` and ``memory`` (over the cap).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import typer

from tests.fuzz.mutations import REPO, Case

_COMMAND: list[Any] = []  # the command line's parser, built once by _warm_up
OUTCOMES = ("accepted", "clear error", "traceback", "timeout", "memory")


@dataclass(frozen=True)
class Outcome:
    """What one run of one case came to; ``detail`` names the exception and where it was raised."""

    case: str
    stage: str
    outcome: str
    detail: str = ""
    messages: int = 0
    problems: int = 0
    peak_mb: float = 0.0
    seconds: float = 0.0


def _innermost(error: BaseException) -> str:
    """``Type at file:function`` for the deepest frame of threadlens in the traceback (else the deepest)."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if "threadlens" in frame.filename] or frames
    where = f" at {Path(ours[-1].filename).name}:{ours[-1].name}" if ours else ""
    return f"{type(error).__name__}{where}: {str(error)[:120]}"


def _classify(error: BaseException) -> tuple[str, str]:
    from threadlens.errors import ThreadlensError

    if isinstance(error, ThreadlensError):
        return "clear error", str(error)[:200]
    if isinstance(error, MemoryError):
        return "memory", _innermost(error)
    return "traceback", _innermost(error)


def _read_stage(path: Path) -> dict[str, Any]:
    """The library read of ``path``: messages and problems, or the error."""
    from threadlens.ingest import read_inputs

    try:
        result = read_inputs([path])
    except BaseException as error:
        outcome, detail = _classify(error)
        return {"outcome": outcome, "detail": detail}
    return {"outcome": "accepted", "messages": len(result.messages), "problems": len(result.problems)}


def _inspect_stage(path: Path) -> dict[str, Any]:
    """The ``inspect`` command in-process, its output encoded strictly as UTF-8 (as on a terminal)."""
    from threadlens import cli

    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    argv = sys.argv
    sys.argv = ["threadlens", "inspect", str(path)]
    try:
        with (
            contextlib.redirect_stdout(stdout),
            contextlib.redirect_stderr(stderr),
            mock.patch.object(typer.main, "get_command", lambda app: _COMMAND[0]),
        ):
            cli.main()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    except BaseException as error:
        outcome, detail = _classify(error)
        return {"outcome": outcome, "detail": detail}
    finally:
        sys.argv = argv
    return {"outcome": "clear error" if code == 2 else "accepted", "detail": f"exit {code}"}


def _address_space() -> int:
    """This process's virtual memory size in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def run_forked(case: Case, folder: Path, *, timeout: float, memory_cap: int) -> list[Outcome]:
    """The ``read`` and ``inspect`` outcomes of ``case``, run in a child process within the limits."""
    path = case.write(folder)
    reader, writer = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: run both stages, write their results as JSON, and leave without cleanup
        os.close(reader)
        code = 0
        try:
            resource.setrlimit(resource.RLIMIT_AS, (_address_space() + memory_cap, resource.RLIM_INFINITY))
            sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
            results = {"read": _read_stage(path), "inspect": _inspect_stage(path)}
            payload = json.dumps(results).encode()
        except BaseException as error:
            payload = json.dumps(
                {
                    "read": {
                        "outcome": "memory" if isinstance(error, MemoryError) else "traceback",
                        "detail": repr(error)[:200],
                    }
                }
            ).encode()
            code = 1
        with os.fdopen(writer, "wb") as handle:
            handle.write(payload)
        os._exit(code)
    os.close(writer)
    chunks: list[bytes] = []
    timed_out = False
    with os.fdopen(reader, "rb") as handle:
        while True:
            left = timeout - (time.monotonic() - started)
            if left <= 0:
                timed_out = True
                os.kill(pid, signal.SIGKILL)
                break
            ready, _, _ = select.select([handle], [], [], left)
            if ready:
                chunk = os.read(handle.fileno(), 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - started
    peak = usage.ru_maxrss / 1024
    if timed_out:
        return [Outcome(case.name, "read", "timeout", f"over {timeout:g} s", peak_mb=peak, seconds=seconds)]
    try:
        results = json.loads(b"".join(chunks))
    except ValueError:
        signalled = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        kind = "memory" if signalled == signal.SIGKILL else "traceback"
        return [Outcome(case.name, "read", kind, f"child ended with status {status}", peak_mb=peak, seconds=seconds)]
    return [
        Outcome(
            case.name,
            stage,
            found["outcome"],
            found.get("detail", ""),
            found.get("messages", 0),
            found.get("problems", 0),
            peak,
            seconds,
        )
        for stage, found in results.items()
    ]


def run_command(case: Case, folder: Path, command: str, *, timeout: float, memory_cap: int) -> Outcome:
    """``threadlens inspect|analyse`` on ``case`` as a real command, within the time limit; over ``memory_cap``
    of peak resident memory is the outcome ``memory``."""
    path = case.write(folder)
    argv = [sys.executable, "-m", "threadlens", command, str(path)]
    if command == "analyse":
        argv += ["--out", str(folder / "out"), "--allow-unconsented", "--no-html", "--no-pdf"]
        argv += ["--key-dir", str(folder / "keys")]
    started = time.monotonic()
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=stderr, env=_environment())
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                process.kill()
                os.wait4(process.pid, 0)
                return Outcome(case.name, command, "timeout", f"over {timeout:g} s", seconds=time.monotonic() - started)
            time.sleep(0.02)
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
        stderr.seek(0)
        text = stderr.read().decode("utf-8", errors="replace")
    seconds = time.monotonic() - started
    peak = usage.ru_maxrss / 1024
    code = process.returncode
    if peak * 1024**2 > memory_cap:
        return Outcome(case.name, command, "memory", f"peak {peak:.0f} MB", peak_mb=peak, seconds=seconds)
    if "Traceback (most recent call last)" in text or code not in (0, 1, 2):
        last = [line for line in text.strip().splitlines() if line.strip()][-1:]
        return Outcome(case.name, command, "traceback", " ".join(last)[:200], peak_mb=peak, seconds=seconds)
    outcome = "clear error" if code == 2 else "accepted"
    return Outcome(case.name, command, outcome, f"exit {code}", peak_mb=peak, seconds=seconds)


def _environment() -> dict[str, str]:
    """The environment of a command: this one, its output encoded strictly as UTF-8 (as on a terminal)."""
    return {**os.environ, "COLUMNS": "120", "PYTHONIOENCODING": "utf-8:strict"}


def campaign(
    cases: list[Case], *, timeout: float = 20.0, memory_cap: int = 2 * 1024**3, commands_every: int = 0
) -> list[Outcome]:
    """Every case through ``read`` and ``inspect`` in a child; every ``commands_every``-th also as real commands."""
    _warm_up()
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="threadlens-fuzz-") as scratch:
        for index, case in enumerate(cases):
            folder = Path(scratch) / str(index)
            outcomes.extend(run_forked(case, folder / "in", timeout=timeout, memory_cap=memory_cap))
            if commands_every and index % commands_every == 0:
                for command in ("inspect", "analyse"):
                    outcomes.append(
                        run_command(case, folder / command, command, timeout=timeout * 6, memory_cap=memory_cap)
                    )
    return outcomes


def _warm_up() -> None:
    """Import what the children use once, and build the command line's parser (a third of a second each time),
    before forking, so that each child starts at once."""
    import threadlens.cli
    import threadlens.ingest
    import threadlens.thread

    threadlens.ingest.readers()
    if not _COMMAND:
        _COMMAND.append(typer.main.get_command(threadlens.cli.app))


def counts(outcomes: list[Outcome]) -> dict[str, Counter[str]]:
    """Outcome counts by stage."""
    table: dict[str, Counter[str]] = {}
    for outcome in outcomes:
        table.setdefault(outcome.stage, Counter())[outcome.outcome] += 1
    return table


def causes(outcomes: list[Outcome], kinds: tuple[str, ...] = ("traceback", "timeout", "memory")) -> Counter[str]:
    """The distinct failures of the given kinds (exception and where), counted."""
    return Counter(f"{o.outcome}: {o.detail.split(': ')[0]}" for o in outcomes if o.outcome in kinds)
