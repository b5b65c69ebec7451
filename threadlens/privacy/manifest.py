"""Consent manifests: a submission's ``submission.toml`` names the case, who submitted it, the parties with
their handles on each platform, the consent basis and date, the scope and the retention date (see
``docs/submissions.md``). :func:`load_manifest` checks it; a :class:`Manifest` says whose messages are a
party's and whether the data belongs to the case.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from threadlens.errors import ConsentError
from threadlens.model import Message
from threadlens.scope import ScopeRules, parse_scope_rules

MANIFEST_NAME = "submission.toml"
REQUIRED_KEYS = ("case_id", "submitted_by", "parties", "consent_basis", "consent_date", "scope", "retention_date")
OPTIONAL_KEYS = ("scope_rules",)
PARTY_KEYS = ("name", "role", "handles")
# Manifest platform keys that name the same ``Message.platform`` under another name. Other keys (``whatsapp``
# for a CSV of a group chat, say) are taken as the platform's name.
PLATFORM_ALIASES = {"twitter": "x", "bsky": "bluesky"}
# Messages from these platforms carry no platform of their own, so any of a party's handles may match.
UNTYPED_PLATFORMS = frozenset({"generic", "convokit"})
HELP = "See docs/submissions.md for the manifest layout"
# The value a drafted manifest (``threadlens case init``) gives a field only a person can fill in.
UNFILLED = "FILL IN"
_PLATFORM_KEY = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class Party:
    """A party to the case: their name, role and handles by platform (normalised: lower case, no @)."""

    name: str
    role: str | None
    handles: dict[str, tuple[str, ...]]

    def matches(self, platform: str, names: Iterable[str]) -> bool:
        """Whether any of ``names`` (handles or ids, normalised) is one of this party's handles on ``platform``."""
        if platform in UNTYPED_PLATFORMS:
            own = {handle for handles in self.handles.values() for handle in handles}
        else:
            own = set(self.handles.get(platform, ()))
        return not own.isdisjoint(names)


@dataclass(frozen=True, slots=True)
class Manifest:
    """A checked consent manifest. ``path`` and ``sha256`` are None for the stand-in of an unconsented run."""

    case_id: str
    submitted_by: str
    parties: tuple[Party, ...]
    consent_basis: str
    consent_date: date | None
    scope: str
    retention_date: date | None
    path: str | None = None
    sha256: str | None = None
    scope_rules: ScopeRules | None = None

    def record(self) -> dict[str, Any]:
        """The consent record every output carries: the manifest's content, path and SHA-256 (JSON-ready)."""
        return {
            "manifest": self.path,
            "sha256": self.sha256,
            "case_id": self.case_id,
            "submitted_by": self.submitted_by,
            "consent_basis": self.consent_basis,
            "consent_date": self.consent_date.isoformat() if self.consent_date else None,
            "scope": self.scope,
            "scope_rules": self.scope_rules.record() if self.scope_rules else None,
            "retention_date": self.retention_date.isoformat() if self.retention_date else None,
            "parties": [
                {"name": p.name, "role": p.role, "handles": {k: list(v) for k, v in p.handles.items()}}
                for p in self.parties
            ],
        }

    def party_of(self, platform: str, author_id: str, *names: str) -> Party | None:
        """The party an author is (by platform-qualified id, its local part, or a handle), or None."""
        keys = {
            normalise_handle(platform, author_id.split(":", 1)[-1]),
            *(normalise_handle(platform, n) for n in names),
        }
        keys.discard("")
        return next((party for party in self.parties if party.matches(platform, keys)), None)

    def check_belongs_to(self, messages: Iterable[Message]) -> None:
        """A :class:`ConsentError` unless one party's handle or id appears in ``messages`` (as author or mention):
        a manifest of another case must not cover these exports."""
        for message in messages:
            if self.party_of(message.platform, message.author_id, message.author_name, *message.mention_names) or any(
                self.party_of(message.platform, mention) for mention in message.mentions
            ):
                return
        named = "; ".join(
            f"{p.name}: " + ", ".join(h for handles in p.handles.values() for h in handles) for p in self.parties
        )
        raise ConsentError(
            f"no party of this manifest appears in the data ({named})",
            path=self.path,
            position="parties",
            expected="the handle or id of at least one party as an author or mention in the exports",
            hint="Check that this is the manifest of these exports and that the parties' handles are right",
        )

    def check_dates(self, today: date) -> None:
        """A :class:`ConsentError` when consent is dated after ``today`` or the retention date has passed."""
        if self.consent_date is not None and self.consent_date > today:
            raise ConsentError(
                f"consent is dated {self.consent_date.isoformat()}, after today ({today.isoformat()})",
                path=self.path,
                position="consent_date",
                hint="Analyse only once consent has been given; correct consent_date if it is wrong",
            )
        if self.retention_date is not None and self.retention_date < today:
            raise ConsentError(
                f"the retention date {self.retention_date.isoformat()} has passed; this data may no longer be kept",
                path=self.path,
                position="retention_date",
                hint="Delete the submission, or record renewed consent with a new retention_date",
            )


def unconsented(case_id: str) -> Manifest:
    """The stand-in manifest of a submission analysed with ``--allow-unconsented``: no parties, so everyone
    is pseudonymised (unless revealed), and the record says that no consent was given."""
    return Manifest(
        case_id=case_id,
        submitted_by="",
        parties=(),
        consent_basis="none (--allow-unconsented)",
        consent_date=None,
        scope="",
        retention_date=None,
    )


def load_manifest(path: str | Path | Manifest) -> Manifest:
    """Read and check a ``submission.toml``; any problem is a :class:`ConsentError` naming file and key."""
    if isinstance(path, Manifest):
        return path
    where = str(path)
    data, table = _read(path)
    unfilled = unfilled_fields(table)
    if unfilled:
        raise ConsentError(
            f"not filled in: {', '.join(unfilled)}",
            path=where,
            expected=f"a value in place of each {UNFILLED!r} placeholder",
            hint="Fill in what only a person can know (who submitted, consent, retention), then analyse again",
        )
    unknown = sorted(set(table) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise ConsentError(
            f"unknown key {unknown[0]!r}",
            path=where,
            position=unknown[0],
            expected="only: " + ", ".join(REQUIRED_KEYS + OPTIONAL_KEYS),
            hint="Check the key's spelling. " + HELP,
        )
    fields = {key: _required_text(table, key, where) for key in ("case_id", "submitted_by", "consent_basis", "scope")}
    consent_date = _date(table, "consent_date", where)
    retention_date = _date(table, "retention_date", where)
    if retention_date < consent_date:
        raise ConsentError(
            f"retention date {retention_date.isoformat()} is before the consent date {consent_date.isoformat()}",
            path=where,
            position="retention_date",
            expected="a retention date on or after consent_date",
        )
    return Manifest(
        **fields,
        parties=_parties(table.get("parties"), where),
        consent_date=consent_date,
        retention_date=retention_date,
        path=where,
        sha256=hashlib.sha256(data).hexdigest(),
        scope_rules=parse_scope_rules(table["scope_rules"], where) if "scope_rules" in table else None,
    )


def load_scope_rules(path: str | Path) -> ScopeRules | None:
    """The ``[scope_rules]`` of a manifest, checked, whether or not its other fields are filled in yet (None when
    it has none)."""
    _, table = _read(path)
    return parse_scope_rules(table["scope_rules"], str(path)) if "scope_rules" in table else None


def unfilled_fields(table: dict[str, Any]) -> list[str]:
    """The keys of a manifest's table (``parties[1].role``, say) whose value is still a placeholder."""
    found = [key for key, value in table.items() if _unfilled(value)]
    parties = table.get("parties")
    for number, party in enumerate(parties if isinstance(parties, list) else [], start=1):
        if isinstance(party, dict):
            found += [f"parties[{number}].{key}" for key, value in party.items() if _unfilled(value)]
    return found


def _unfilled(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(UNFILLED)


def _read(path: str | Path) -> tuple[bytes, dict[str, Any]]:
    """A manifest's bytes and its TOML table; a :class:`ConsentError` when it cannot be read or parsed."""
    where = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConsentError(
            "no consent manifest", path=where, expected=f"a {MANIFEST_NAME} beside the exports", hint=HELP
        ) from None
    except OSError as error:
        raise ConsentError(f"the consent manifest cannot be read ({error.strerror})", path=where) from None
    try:
        return data, tomllib.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConsentError(f"the consent manifest is not valid TOML: {error}", path=where, hint=HELP) from None


def _required_text(table: dict[str, Any], key: str, where: str, position: str | None = None) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        problem = "is missing" if value is None else f"is {value!r}"
        raise ConsentError(
            f"{key} {problem}", path=where, position=position or key, expected="a non-empty string", hint=HELP
        )
    return value.strip()


def _date(table: dict[str, Any], key: str, where: str) -> date:
    value = table.get(key)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problem = "is missing" if value is None else f"is {value!r}"
    raise ConsentError(f"{key} {problem}", path=where, position=key, expected="a date such as 2026-03-10", hint=HELP)


def _parties(value: Any, where: str) -> tuple[Party, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(item, dict) for item in value):
        raise ConsentError(
            "parties is missing or not a list of tables",
            path=where,
            position="parties",
            expected="one or more [[parties]] tables with name and handles",
            hint=HELP,
        )
    parties = []
    for number, item in enumerate(value, start=1):
        position = f"parties[{number}]"
        unknown = sorted(set(item) - set(PARTY_KEYS))
        if unknown:
            raise ConsentError(
                f"unknown key {unknown[0]!r}", path=where, position=position, expected="only: " + ", ".join(PARTY_KEYS)
            )
        role = item.get("role")
        if role is not None and not isinstance(role, str):
            raise ConsentError(f"role is {role!r}", path=where, position=f"{position}.role", expected="a string")
        parties.append(
            Party(
                name=_required_text(item, "name", where, f"{position}.name"),
                role=role,
                handles=_handles(item.get("handles"), where, f"{position}.handles"),
            )
        )
    return tuple(parties)


def _handles(value: Any, where: str, position: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict) or not value:
        raise ConsentError(
            "handles is missing or empty",
            path=where,
            position=position,
            expected='a table of platform = "handle" or ["handle", …], e.g. x = ["@alice"]',
            hint=HELP,
        )
    handles: dict[str, tuple[str, ...]] = {}
    for key, given in value.items():
        platform = PLATFORM_ALIASES.get(key.lower(), key.lower())
        if not _PLATFORM_KEY.match(platform):
            raise ConsentError(
                f"platform {key!r} is not a platform name",
                path=where,
                position=f"{position}.{key}",
                expected="a platform such as x, mastodon, bluesky, reddit, generic or whatsapp",
            )
        listed = [given] if isinstance(given, str) else given
        if not isinstance(listed, list) or not listed or not all(isinstance(h, str) and h.strip() for h in listed):
            raise ConsentError(
                f"handles for {key} are {given!r}",
                path=where,
                position=f"{position}.{key}",
                expected="a handle or a list of handles",
            )
        handles[platform] = (*handles.get(platform, ()), *(normalise_handle(platform, h) for h in listed))
    return handles


def normalise_handle(platform: str, handle: str) -> str:
    """A handle as matched: lower case, without a leading @ (or u/ on Reddit) or the platform prefix of an id."""
    text = handle.strip().lower()
    prefix = "bsky:" if platform == "bluesky" else f"{platform}:"
    if text.startswith(prefix):
        text = text[len(prefix) :]
    if platform == "reddit":
        text = text.removeprefix("/").removeprefix("u/")
    return text.lstrip("@")
