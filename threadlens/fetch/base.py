"""What every platform fetcher shares: the consent check, waiting on rate limits, the output and its provenance.

A fetcher opens a :class:`Collection`, makes each API call through :meth:`Collection.call` (which
retries transient failures and waits out rate limits with a visible countdown) and writes each raw
response with :meth:`Collection.write_page`. Pages go to ``FILE.part`` as they arrive; closing the
collection renames it to ``FILE`` and writes ``FILE.provenance.json`` beside it, marked complete or
not. A failed fetch keeps what it fetched, marked incomplete with the reason.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Literal, Protocol, TextIO, TypeVar

from rich.console import Console
from rich.text import Text

from threadlens.errors import ConsentError, FetchError
from threadlens.io import atomic_write_text
from threadlens.version import __version__

T = TypeVar("T")

PROVENANCE_SUFFIX = ".provenance.json"
RATE_LIMIT_MARGIN_SECONDS = 1
DEFAULT_RATE_LIMIT_WAIT_SECONDS = 60
MAX_RATE_LIMIT_WAIT_SECONDS = 16 * 60
MAX_RATE_LIMIT_WAITS = 5
RETRY_BACKOFF_SECONDS = (5, 15)


class Clock(Protocol):
    """Where a fetcher reads the time and sleeps; tests pass a fake one so nothing really waits."""

    def now(self) -> float:
        """Seconds since the epoch."""

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass(frozen=True, slots=True)
class Failure:
    """How a fetcher classifies a failed API call.

    ``rate-limit`` is waited out until ``reset_at`` (epoch seconds, or a default pause when unknown),
    ``transient`` is retried after a pause, ``fatal`` stops the fetch.
    """

    kind: Literal["rate-limit", "transient", "fatal"]
    reason: str
    hint: str | None = None
    reset_at: float | None = None


Classifier = Callable[[BaseException], Failure | None]


@dataclass(slots=True)
class FetchResult:
    """What a fetch wrote: the output, its provenance sidecar, and whether it is complete."""

    out: Path
    provenance: Path
    pages: int
    complete: bool
    reason: str | None = None
    notes: list[str] = field(default_factory=list)


def utc_iso(epoch: float) -> str:
    """Epoch seconds as ISO-8601 UTC with a ``Z`` (second precision)."""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def provenance_path(out: str | Path) -> Path:
    """The provenance sidecar of an output file: ``conv.jsonl`` → ``conv.provenance.json``."""
    target = Path(out)
    return target.with_name(target.stem + PROVENANCE_SUFFIX)


def env_secret(name: str, *, platform: str, hint: str) -> str:
    """A credential from the environment (never from the command line), or a clear :class:`FetchError`."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise FetchError(f"{name} is not set; {platform} needs it to fetch", hint=hint)
    return value


def require_consent(path: str | Path | None, *, platform: str, clock: Clock) -> dict[str, Any]:
    """Load and check the consent manifest behind a fetch; its record goes into the provenance.

    No manifest, an invalid one (see :func:`threadlens.privacy.manifest.load_manifest`), consent dated in the
    future, a retention date already past, or no party with a handle on ``platform``:
    :class:`ConsentError`, before anything is fetched.
    """
    if path is None or str(path).strip() == "":
        raise ConsentError(
            "collection needs a consent record and none was given",
            expected="a submission.toml consent manifest",
            hint="Pass --consent submission.toml (case id, parties, consent basis, date, scope, retention date)",
        )
    from threadlens.privacy.manifest import load_manifest

    manifest = load_manifest(path)
    manifest.check_dates(datetime.fromtimestamp(clock.now(), tz=UTC).date())
    if not any(party.handles.get(platform) for party in manifest.parties):
        raise ConsentError(
            f"the consent record names no party's {platform} handle, so it does not cover collection on {platform}",
            path=manifest.path,
            position="parties",
            hint=f'Add the consenting parties\' {platform} handles, e.g. handles = {{ {platform} = "@name" }}',
        )
    return manifest.record()


def countdown(seconds: float, *, reason: str, clock: Clock, console: Console) -> None:
    """Wait ``seconds`` on ``clock``, showing what is awaited and how long is left."""
    seconds = max(0.0, seconds)
    resume = clock.now() + seconds
    console.print(
        Text(reason, style="yellow") + Text(f": waiting {math.ceil(seconds)} s, until {utc_iso(resume)}"),
        highlight=False,
    )
    with console.status(Text(f"{reason}: {math.ceil(seconds)} s left")) as status:
        while (left := resume - clock.now()) > 0:
            status.update(Text(f"{reason}: {math.ceil(left)} s left"))
            clock.sleep(min(1.0, left))
    console.print("resuming", style="dim")


def network_reason(error: BaseException) -> str:
    """The innermost cause of a network error in one line (``NameResolutionError: … Failed to resolve …``)."""
    seen = {id(error)}
    while True:
        inner = getattr(error, "reason", None)
        if not isinstance(inner, BaseException):
            first = error.args[0] if error.args else None
            inner = first if isinstance(first, BaseException) else error.__cause__ or error.__context__
        if inner is None or id(inner) in seen:
            return f"{type(error).__name__}: {error}"
        seen.add(id(inner))
        error = inner


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret replaced by ``[redacted]``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return text


def library_version(distribution: str) -> str:
    """The installed version of a client library, for the provenance."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


class Collection:
    """One fetch: its API calls, its output pages and its provenance.

    Use as a context manager. Leaving it normally finishes the output as complete; leaving it with
    an error keeps the pages fetched so far, marks them incomplete with the reason, and re-raises
    (a :class:`FetchError` gains a hint saying where the partial output is).
    """

    def __init__(
        self,
        out: str | Path,
        *,
        platform: str,
        client: str,
        target: dict[str, Any],
        consent: dict[str, Any],
        clock: Clock | None = None,
        console: Console | None = None,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.out = Path(out)
        self.part = self.out.with_name(self.out.name + ".part")
        self.clock = clock or SystemClock()
        self.console = console or Console(stderr=True)
        self.secrets = secrets
        self.pages = 0
        self.notes: list[str] = []
        self.requests: list[dict[str, Any]] = []
        self.started = self.clock.now()
        self.record: dict[str, Any] = {
            "tool": {"name": "threadlens", "version": __version__, "client": client},
            "platform": platform,
            "target": target,
            "consent": consent,
        }
        self.result: FetchResult | None = None
        self._handle: TextIO | None = None

    def __enter__(self) -> Collection:
        if self.out.exists():
            raise FetchError(
                "the output file already exists",
                path=str(self.out),
                hint="Choose another --out, or move the earlier fetch away: fetched evidence is never overwritten",
            )
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self.part.open("w", encoding="utf-8")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _tb: Any) -> None:
        if error is None:
            self.result = self._finish(complete=True, reason=None)
            return
        reason = str(error) if isinstance(error, FetchError) else f"interrupted by {type(error).__name__}: {error}"
        self.result = self._finish(complete=False, reason=redact(reason, self.secrets))
        if isinstance(error, FetchError):
            kept = (
                f"What was fetched ({self.pages} page(s)) is kept in {self.out}, marked incomplete in "
                f"{self.result.provenance}"
                if self.pages
                else "Nothing was fetched, so nothing was written"
            )
            error.reason = redact(error.reason, self.secrets)
            error.hint = f"{error.hint}. {kept}" if error.hint else kept

    def note(self, text: str) -> None:
        """Record something a reader of the output should know (unavailable messages, limits reached)."""
        self.notes.append(text)

    def write_page(self, page: Any) -> None:
        """Append one raw API response as one JSON line, flushed to disk before the next call."""
        assert self._handle is not None, "write_page outside the collection's with block"
        self._handle.write(json.dumps(page, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.pages += 1

    def call(self, request: Callable[[], T], *, endpoint: str, params: dict[str, Any], classify: Classifier) -> T:
        """Make one API call, waiting out rate limits and retrying transient failures.

        ``params`` is what the provenance records of the request: never pass a credential in it.
        Failures the classifier calls fatal, or that persist, raise :class:`FetchError`.
        """
        rate_limit_waits = retries = 0
        while True:
            entry = {"endpoint": endpoint, "params": params, "at": utc_iso(self.clock.now())}
            self.requests.append(entry)
            try:
                response = request()
            except Exception as error:
                failure = classify(error)
                if failure is None:
                    raise
                entry["outcome"] = redact(failure.reason, self.secrets)
                if failure.kind == "rate-limit" and rate_limit_waits < MAX_RATE_LIMIT_WAITS:
                    rate_limit_waits += 1
                    self._wait_for_reset(failure, entry)
                    continue
                if failure.kind == "transient" and retries < len(RETRY_BACKOFF_SECONDS):
                    pause = RETRY_BACKOFF_SECONDS[retries]
                    retries += 1
                    entry["waited_seconds"] = pause
                    countdown(pause, reason=f"{failure.reason}; retrying", clock=self.clock, console=self.console)
                    continue
                raise FetchError(redact(failure.reason, self.secrets), hint=failure.hint) from None
            entry["outcome"] = "ok"
            return response

    def _wait_for_reset(self, failure: Failure, entry: dict[str, Any]) -> None:
        now = self.clock.now()
        if failure.reset_at is None:
            seconds = DEFAULT_RATE_LIMIT_WAIT_SECONDS
        else:
            seconds = max(0.0, failure.reset_at - now) + RATE_LIMIT_MARGIN_SECONDS
        if seconds > MAX_RATE_LIMIT_WAIT_SECONDS:
            raise FetchError(
                f"{failure.reason}; the limit resets only at {utc_iso(now + seconds)}",
                hint="Run the fetch again after that time",
            )
        entry["waited_seconds"] = math.ceil(seconds)
        countdown(seconds, reason=failure.reason, clock=self.clock, console=self.console)

    def _finish(self, *, complete: bool, reason: str | None) -> FetchResult:
        assert self._handle is not None
        self._handle.close()
        sidecar = provenance_path(self.out)
        if not self.pages:
            self.part.unlink(missing_ok=True)
            return FetchResult(self.out, sidecar, 0, complete, reason, self.notes)
        os.replace(self.part, self.out)
        data = self.out.read_bytes()
        record = {
            **self.record,
            "started_at": utc_iso(self.started),
            "finished_at": utc_iso(self.clock.now()),
            "complete": complete,
            "incomplete_reason": reason,
            "output": {
                "path": str(self.out),
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                "pages": self.pages,
            },
            "requests": self.requests,
            "notes": self.notes,
        }
        text = json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n"
        atomic_write_text(sidecar, redact(text, self.secrets))
        return FetchResult(self.out, sidecar, self.pages, complete, reason, self.notes)


@contextmanager
def quiet_logger(name: str, level: int) -> Iterator[None]:
    """Raise a library logger's level for a while (tweepy logs request headers, credentials included, at DEBUG)."""
    logger = logging.getLogger(name)
    previous = logger.level
    logger.setLevel(max(level, previous))
    try:
        yield
    finally:
        logger.setLevel(previous)
