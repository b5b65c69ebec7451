"""Pseudonym keys: one random key per case, kept in a key directory (``--key-dir`` or :func:`default_key_dir`),
never inside an output folder that is handed to others (see :func:`check_key_dir`); or, when none is given,
:func:`derived_key` (reproducible from the case id alone, so not secret: anyone who knows the case id can test
a guessed handle; use a key file for real cases). Outputs name a key by its :func:`key_fingerprint`, never by
its path.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import sys
from pathlib import Path

from threadlens.errors import ConsentError

KEY_BYTES = 32
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def derived_key(case_id: str) -> bytes:
    """A key reproducible from the case id alone (used when no key is given; not secret, see module docs)."""
    return hashlib.sha256(b"threadlens pseudonym key\0" + case_id.encode("utf-8")).digest()


def case_key(keys_dir: str | Path, case_id: str) -> bytes:
    """The random pseudonym key of a case, from ``keys_dir/<case>.key``; created (mode 0600) on first use.

    The same output folder gives the same pseudonyms on every run; another output folder gets another key,
    so pseudonyms cannot be linked across them. Creation is race-free between processes.
    """
    target = key_path(keys_dir, case_id)
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        temp = folder / f".{target.name}.{secrets.token_hex(8)}.part"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(KEY_BYTES))
                handle.flush()
                os.fsync(handle.fileno())
            os.link(temp, target)
        except FileExistsError:
            pass
        finally:
            temp.unlink(missing_ok=True)
    return read_key(target)


def default_key_dir() -> Path:
    """Where pseudonym keys are kept unless ``--key-dir`` says otherwise: ``$THREADLENS_KEY_DIR``, else the
    user's data directory (``$XDG_DATA_HOME/threadlens/keys``, ``~/.local/share/threadlens/keys`` on Linux)."""
    given = os.environ.get("THREADLENS_KEY_DIR")
    if given:
        return Path(given).expanduser().absolute()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return (base / "threadlens" / "keys").absolute()


def check_key_dir(key_dir: str | Path, out: str | Path) -> None:
    """A :class:`ConsentError` when ``key_dir`` is the output folder ``out`` or inside it: whoever receives the
    report folder could reverse every pseudonym with the key."""
    keys, folder = Path(key_dir).resolve(), Path(out).resolve()
    if keys == folder or folder in keys.parents:
        raise ConsentError(
            "the pseudonym key directory is inside the output folder",
            path=str(key_dir),
            expected=f"a key directory outside {out}",
            hint="Give --key-dir a folder that is not handed out with the reports, or leave it out to use "
            f"{default_key_dir()}",
        )


def key_fingerprint(key: bytes) -> str:
    """A name for a key that reveals nothing of it: a domain-separated SHA-256, recorded in the findings."""
    return "sha256:" + hashlib.sha256(b"threadlens key fingerprint\0" + key).hexdigest()[:16]


def read_case_key(keys_dir: str | Path, case_id: str, fingerprint: str) -> bytes:
    """The existing key of a case, checked against the fingerprint its analysis recorded."""
    target = key_path(keys_dir, case_id)
    if not target.exists():
        raise ConsentError(
            f"no pseudonym key for case {case_id!r} (fingerprint {fingerprint})",
            path=str(target),
            hint="Give --key-dir the key directory the analysis used; a new key would change every pseudonym",
        )
    key = read_key(target)
    if key_fingerprint(key) != fingerprint:
        raise ConsentError(
            f"this key's fingerprint is {key_fingerprint(key)}, the analysis recorded {fingerprint}",
            path=str(target),
            hint="Give --key-dir the key directory the analysis used",
        )
    return key


def key_path(keys_dir: str | Path, case_id: str) -> Path:
    """Where :func:`case_key` keeps the key of a case."""
    return Path(keys_dir) / f"{key_file_stem(case_id)}.key"


def read_key(path: str | Path) -> bytes:
    """A pseudonym key file written by :func:`case_key`, checked; a clear :class:`ConsentError` otherwise."""
    try:
        key = Path(path).read_bytes()
    except OSError as error:
        raise ConsentError(
            f"the pseudonym key cannot be read ({error.strerror})",
            path=str(path),
            hint="Restore the key from a backup; without it the case's pseudonyms change",
        ) from None
    if len(key) != KEY_BYTES:
        raise ConsentError(
            f"the pseudonym key holds {len(key)} bytes",
            path=str(path),
            expected=f"{KEY_BYTES} bytes as written by threadlens",
            hint="Restore the key from a backup; deleting it changes every pseudonym of the case",
        )
    return key


def key_file_stem(case_id: str) -> str:
    """A file name for a case id: the id itself when it is safe, else a cleaned id with a short hash."""
    cleaned = _UNSAFE_NAME.sub("_", case_id).strip("._") or "case"
    if cleaned == case_id:
        return case_id
    return f"{cleaned}-{hashlib.sha256(case_id.encode('utf-8')).hexdigest()[:8]}"
