"""Seeded mutations of real-format inputs: what a hostile tester, a broken export or the wrong program produces.

A :class:`Case` is a small tree of files (a single export, an archive folder, a ZIP) and the path to pass to
threadlens. Every mutation is a function ``(case, rng) -> Case`` that never changes its input; the same seed
always gives the same mutants, so any failure is reproduced from its name.
"""

from __future__ import annotations

import io
import json
import random
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
SAMPLES = REPO / "sample_threads"
SHARED_FORMATS = REPO.parent / "shared" / "data" / "formats"

# Seeds by reader: files or folders in the real format, written by hand or shipped as samples.
SEEDS: dict[str, tuple[Path, ...]] = {
    "bluesky": (FIXTURES / "bluesky/thread.json", FIXTURES / "bluesky/posts.json", FIXTURES / "bluesky/threads.jsonl"),
    "convokit": (FIXTURES / "convokit/corpus", FIXTURES / "convokit/meeting_utterances.jsonl"),
    "csv": (FIXTURES / "tabular/messages.csv", FIXTURES / "tabular/tweets.tsv"),
    "jsonl": (FIXTURES / "tabular/messages.jsonl",),
    "mastodon": (
        FIXTURES / "mastodon/archive",
        FIXTURES / "mastodon/context.json",
        FIXTURES / "mastodon/statuses.json",
    ),
    "reddit": (
        FIXTURES / "reddit/thread.json",
        FIXTURES / "reddit/listing.json",
        FIXTURES / "reddit/morechildren.json",
    ),
    "x-api-v1": (FIXTURES / "x/statuses.jsonl",),
    "x-api-v2": (FIXTURES / "x/search-pages.jsonl", FIXTURES / "x/flattened.jsonl", FIXTURES / "x/search-tweets.json"),
    "x-archive": (FIXTURES / "x/archive", SAMPLES / "pra-x-archive/gareth-voss-archive"),
}
_TEXT_SUFFIXES = (".json", ".jsonl", ".js", ".csv", ".tsv", ".ndjson")
_TIME_KEYS = re.compile(r"created|time|published|date|indexed", re.IGNORECASE)
_ID_KEYS = re.compile(r"(^|_)id(_str)?$|^uri$|^name$", re.IGNORECASE)
_REPLY_KEYS = re.compile(r"reply|parent|in_reply_to", re.IGNORECASE)


@dataclass(frozen=True)
class Case:
    """Files to write (relative path → bytes), the path to pass (``""``: the folder itself) and symbolic links
    (relative path → target, relative to the link's folder)."""

    name: str
    reader: str
    files: dict[str, bytes]
    top: str
    links: dict[str, str] = field(default_factory=dict)

    def write(self, folder: Path) -> Path:
        """Write the case under ``folder``; the path to give threadlens."""
        folder.mkdir(parents=True, exist_ok=True)
        for relative, data in self.files.items():
            target = folder / relative
            if relative.endswith("/"):
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for relative, destination in self.links.items():
            link = folder / relative
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(destination)
        return folder / self.top if self.top else folder


def load_seed(reader: str, path: Path) -> Case:
    """The seed at ``path`` (a file, or a folder read whole) as a case."""
    if path.is_dir():
        files = {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
        return Case(f"{reader}:{path.name}", reader, files, "")
    return Case(f"{reader}:{path.name}", reader, {path.name: path.read_bytes()}, path.name)


def seeds(extra: bool = False) -> list[Case]:
    """Every seed case, by reader; with ``extra``, also the shared format files (when present)."""
    found = [load_seed(reader, path) for reader, paths in SEEDS.items() for path in paths]
    if extra and SHARED_FORMATS.is_dir():
        for path in sorted(SHARED_FORMATS.rglob("*")):
            if path.is_file() and path.suffix in _TEXT_SUFFIXES and path.stat().st_size < 2_000_000:
                found.append(load_seed("shared", path))
    return found


# --- choosing what to mutate ----------------------------------------------------------------------


def _data_file(case: Case, rng: random.Random) -> str | None:
    """A file of the case holding records (the largest weighs most), or None for a case of no text files."""
    names = [name for name, data in case.files.items() if name.endswith(_TEXT_SUFFIXES) and data]
    if not names:
        return None
    return rng.choices(names, weights=[len(case.files[name]) for name in names])[0]


def _with_file(case: Case, name: str, data: bytes, kind: str) -> Case:
    return replace(case, name=f"{case.name}/{kind}", files={**case.files, name: data})


def byte_mutation(kind: str, change: Callable[[bytes, random.Random], bytes]) -> Callable[[Case, random.Random], Case]:
    """A mutation applying ``change`` to the bytes of one data file."""

    def mutate(case: Case, rng: random.Random) -> Case:
        name = _data_file(case, rng)
        if name is None:
            return replace(case, name=f"{case.name}/{kind}")
        return _with_file(case, name, change(case.files[name], rng), kind)

    mutate.__name__ = kind
    return mutate


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))] if data else data


def _flip(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if buffer:
            buffer[rng.randrange(len(buffer))] = rng.randrange(256)
    return bytes(buffer)


def _insert_nul(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + b"\0" * rng.randint(1, 3) + data[at:]


def _encoding(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace")
    choice = rng.choice(["utf-16", "utf-16-odd", "utf-16-surrogate", "utf-16-be", "latin-1", "utf-32", "cp1252"])
    if choice == "utf-16":
        return text.encode("utf-16")
    if choice == "utf-16-be":
        return b"\xfe\xff" + text.encode("utf-16-be")
    if choice == "utf-16-odd":
        return text.encode("utf-16") + b"\x00"
    if choice == "utf-16-surrogate":
        encoded = text.encode("utf-16")
        at = 2 + 2 * rng.randrange(max(1, (len(encoded) - 2) // 2))
        return encoded[:at] + b"\x00\xd8" + encoded[at:]  # a lone high surrogate, little-endian
    if choice == "utf-32":
        return text.encode("utf-32")
    return text.replace("…", "...").encode(choice, errors="replace") + "é".encode(choice)


def _line_ends(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\n", rng.choice([b"\r", b"\r\n", b"\r\r\n"]))


def _broken_quote(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice([b'"', b'""', b'"\n', b',"']) + data[at:]


# --- JSON-level mutations -------------------------------------------------------------------------


def _split_js(data: bytes) -> tuple[bytes, bytes]:
    """An archive data file as its ``window.YTD… =`` prefix and its JSON (no prefix for plain JSON)."""
    match = re.match(rb"\s*window\.[\w.]+\s*=\s*", data)
    return (data[: match.end()], data[match.end() :]) if match else (b"", data)


def _nodes(value: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    """Every (path, value) in a JSON value, containers first."""
    found = [(path, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_nodes(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_nodes(item, (*path, index)))
    return found


def _set(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    _get(value, path[:-1])[path[-1]] = new
    return value


def _get(value: Any, path: tuple) -> Any:
    for key in path:
        value = value[key]
    return value


RAW = "\u0000raw:"  # a string standing for raw JSON text, put in place after dumping


def _dump(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    return re.sub(r'"\\u0000raw:((?:[^"\\]|\\.)*)"', lambda m: json.loads(f'"{m.group(1)}"'), text)


def _wrong_type(value: Any, rng: random.Random) -> Any:
    nodes = _nodes(value)[1:] or _nodes(value)
    path, _ = rng.choice(nodes)
    return _set(value, path, rng.choice([0, 1.5, -7, True, False, None, [], [1, "x"], {}, {"a": 1}, "", "text"]))


def _deep(value: Any, rng: random.Random) -> Any:
    depth = rng.choice([200, 1100, 5000, 50_000])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    path, _ = rng.choice(_nodes(value))
    return _set(value, path, RAW + opener * depth + "1" + closer * depth)


def _huge_number(value: Any, rng: random.Random) -> Any:
    path, _ = rng.choice(_nodes(value))
    digits = rng.choice([20, 400, 4301, 20_000])
    return _set(value, path, RAW + rng.choice(["", "-"]) + "9" * digits + rng.choice(["", ".5", "e999"]))


def _keyed(value: Any, pattern: re.Pattern[str]) -> list[tuple[tuple, Any]]:
    return [
        (path, item) for path, item in _nodes(value) if path and isinstance(path[-1], str) and pattern.search(path[-1])
    ]


def _bad_time(value: Any, rng: random.Random) -> Any:
    found = _keyed(value, _TIME_KEYS) or _nodes(value)
    path, _ = rng.choice(found)
    bad = rng.choice([RAW + "NaN", RAW + "Infinity", -1, -1e300, 1e300, 253402300800, "-0001-01-01T00:00:00Z", "", "0"])
    return _set(value, path, bad)


def _float_id(value: Any, rng: random.Random) -> Any:
    found = _keyed(value, _ID_KEYS) or _nodes(value)
    path, item = rng.choice(found)
    number = float(item) if isinstance(item, str) and item.isdigit() else 1.0e18
    return _set(value, path, rng.choice([number, 1.5, float("nan"), -3]))


def _long_field(value: Any, rng: random.Random) -> Any:
    strings = [(path, item) for path, item in _nodes(value) if isinstance(item, str)] or _nodes(value)
    path, _ = rng.choice(strings)
    return _set(value, path, rng.choice(["a", "é", "😀", " "]) * 100_000)


def _lone_surrogate(value: Any, rng: random.Random) -> Any:
    strings = [(path, item) for path, item in _nodes(value) if isinstance(item, str)] or _nodes(value)
    path, item = rng.choice(strings)
    return _set(value, path, RAW + '"' + json.dumps(str(item))[1:-1] + rng.choice(["\\ud800", "\\udfff x"]) + '"')


def _records(value: Any) -> list[tuple[tuple, list]]:
    """Lists of objects in the value: where the records are."""
    return [
        (path, item) for path, item in _nodes(value) if isinstance(item, list) and item and isinstance(item[0], dict)
    ]


def _duplicate_record(value: Any, rng: random.Random) -> Any:
    lists = _records(value)
    if not lists:
        return _wrong_type(value, rng)
    _, items = rng.choice(lists)
    copy = json.loads(json.dumps(items[rng.randrange(len(items))]))
    strings = [
        (path, item) for path, item in _nodes(copy) if isinstance(item, str) and not _ID_KEYS.search(str(path[-1]))
    ]
    for path, item in rng.sample(strings, min(2, len(strings))):
        _set(copy, path, item + " (altered)")
    items.insert(rng.randrange(len(items) + 1), copy)
    return value


def _reply_loop(value: Any, rng: random.Random) -> Any:
    found = _keyed(value, _REPLY_KEYS)
    ids = [item for path, item in _keyed(value, _ID_KEYS) if isinstance(item, str | int)]
    if not found or not ids:
        return _wrong_type(value, rng)
    path, _ = rng.choice(found)
    return _set(value, path, rng.choice(ids))


def _drop_field(value: Any, rng: random.Random) -> Any:
    keyed = [(path, item) for path, item in _nodes(value) if path and isinstance(path[-1], str)]
    if not keyed:
        return value
    path, _ = rng.choice(keyed)
    del _get(value, path[:-1])[path[-1]]
    return value


def json_mutation(kind: str, change: Callable[[Any, random.Random], Any]) -> Callable[[Case, random.Random], Case]:
    """A mutation applying ``change`` to one parsed JSON value (a whole file, or one line of a JSONL file)."""

    def mutate(case: Case, rng: random.Random) -> Case:
        name = _data_file(case, rng)
        if name is None or name.endswith((".csv", ".tsv")):
            return byte_mutation(kind, _flip)(case, rng)
        prefix, body = _split_js(case.files[name])
        lines = body.split(b"\n")
        several = name.endswith((".jsonl", ".ndjson")) and len([line for line in lines if line.strip()]) > 1
        try:
            if several:
                index = rng.choice([i for i, line in enumerate(lines) if line.strip()])
                lines[index] = _dump(change(json.loads(lines[index]), rng)).encode()
                return _with_file(case, name, prefix + b"\n".join(lines), kind)
            return _with_file(case, name, prefix + _dump(change(json.loads(body.rstrip(b"; \n")), rng)).encode(), kind)
        except (ValueError, RecursionError):
            return byte_mutation(kind, _flip)(case, rng)

    mutate.__name__ = kind
    return mutate


def _duplicate_key(case: Case, rng: random.Random) -> Case:
    """A key written twice in one object (JSON keeps the last): text-level, since a dict cannot hold it."""
    name = _data_file(case, rng)
    if name is None:
        return replace(case, name=f"{case.name}/duplicate-key")
    data = case.files[name]
    keys = list(re.finditer(rb'"(id|id_str|text|full_text|author|author_id|body|content)"\s*:\s*', data))
    if not keys:
        return _with_file(case, name, data, "duplicate-key")
    match = rng.choice(keys)
    return _with_file(
        case, name, data[: match.start()] + match.group(0) + b'"0", ' + data[match.start() :], "duplicate-key"
    )


def _csv_duplicate_row(case: Case, rng: random.Random) -> Case:
    """A CSV row repeated with the same id and another author and text."""
    name = next((n for n in case.files if n.endswith((".csv", ".tsv"))), None)
    if name is None:
        return json_mutation("duplicate-record", _duplicate_record)(case, rng)
    lines = case.files[name].split(b"\n")
    rows = [i for i, line in enumerate(lines[1:], start=1) if line.strip()]
    row = lines[rng.choice(rows)]
    delimiter = b"\t" if b"\t" in lines[0] else b","
    fields = row.split(delimiter)
    header = lines[0].split(delimiter)
    for column in (b"author", b"text"):
        if column in header and header.index(column) < len(fields):
            fields[header.index(column)] = b"mallory" if column == b"author" else b"forged text"
    lines.append(delimiter.join(fields))
    return _with_file(case, name, b"\n".join(lines), "duplicate-row")


# --- containers: ZIPs and folders -----------------------------------------------------------------


def _zip_bytes(files: dict[str, bytes], duplicate: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            if not name.endswith("/"):
                archive.writestr(_member(name), data)
        if duplicate is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # zipfile warns about the duplicate name, which is the point
                archive.writestr(_member(duplicate), files[duplicate].replace(b"e", b"a"))
    return buffer.getvalue()


def _member(name: str) -> zipfile.ZipInfo:
    """A ZIP member's header with a fixed time, so that the same files always make the same archive."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _zipped(case: Case, rng: random.Random) -> Case:
    """The case as a ZIP: plain, with a member name twice, nested in another ZIP, empty, or damaged."""
    kind = rng.choice(["zip", "zip-duplicate-member", "zip-nested", "zip-empty", "zip-damaged"])
    names = [name for name in case.files if not name.endswith("/")]
    duplicate = rng.choice(names) if kind == "zip-duplicate-member" and names else None
    data = _zip_bytes(case.files, duplicate) if kind != "zip-empty" else _zip_bytes({})
    if kind == "zip-nested":
        data = _zip_bytes({"inner.zip": data})
    if kind == "zip-damaged":
        data = _flip(data, rng)
    return Case(f"{case.name}/{kind}", case.reader, {"export.zip": data}, "export.zip")


def _junk_folder(case: Case, rng: random.Random) -> Case:
    """The case in a folder beside junk: binary files, an empty folder, a symlink loop, a link outside."""
    files = {f"case/{name}": data for name, data in case.files.items()}
    junk = {
        "junk.bin": bytes(rng.randrange(256) for _ in range(64)),
        "empty.json": b"",
        "notes.txt": b"plain notes, not an export\n",
        "image.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 32,
        "empty-folder/": b"",
    }
    links = {"loop": ".", "case/up": "..", "outside.json": "/etc/hostname", "dangling.json": "missing.json"}
    chosen = dict(rng.sample(sorted(junk.items()), rng.randint(1, len(junk))))
    chosen_links = dict(rng.sample(sorted(links.items()), rng.randint(1, len(links))))
    return Case(f"{case.name}/junk-folder", case.reader, {**files, **chosen}, "", chosen_links)


MUTATIONS: dict[str, Callable[[Case, random.Random], Case]] = {
    "truncate": byte_mutation("truncate", _truncate),
    "flip-bytes": byte_mutation("flip-bytes", _flip),
    "nul-bytes": byte_mutation("nul-bytes", _insert_nul),
    "encoding": byte_mutation("encoding", _encoding),
    "line-ends": byte_mutation("line-ends", _line_ends),
    "broken-quote": byte_mutation("broken-quote", _broken_quote),
    "wrong-type": json_mutation("wrong-type", _wrong_type),
    "deep-nesting": json_mutation("deep-nesting", _deep),
    "huge-number": json_mutation("huge-number", _huge_number),
    "bad-time": json_mutation("bad-time", _bad_time),
    "float-id": json_mutation("float-id", _float_id),
    "long-field": json_mutation("long-field", _long_field),
    "lone-surrogate": json_mutation("lone-surrogate", _lone_surrogate),
    "duplicate-record": json_mutation("duplicate-record", _duplicate_record),
    "reply-loop": json_mutation("reply-loop", _reply_loop),
    "drop-field": json_mutation("drop-field", _drop_field),
    "duplicate-key": _duplicate_key,
    "duplicate-row": _csv_duplicate_row,
    "zip": _zipped,
    "junk-folder": _junk_folder,
}


def mutants(cases: list[Case], count: int, seed: int) -> list[Case]:
    """``count`` mutants of the cases, every mutation kind in turn over every case, deterministic by ``seed``.

    One in five mutants has a second mutation applied on top of the first.
    """
    rng = random.Random(seed)
    kinds = sorted(MUTATIONS)
    found: list[Case] = []
    for index in range(count):
        case = cases[index % len(cases)]
        kind = kinds[(index // len(cases) + index) % len(kinds)]
        mutant = MUTATIONS[kind](case, rng)
        if rng.random() < 0.2:
            mutant = MUTATIONS[rng.choice(kinds)](mutant, rng)
        found.append(replace(mutant, name=f"{index}:{mutant.name}"))
    return found
