"""Times as the exports write them (ISO-8601, Twitter's format, epoch seconds or milliseconds), read as UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"
_EPOCH = re.compile(r"^-?\d+(\.\d+)?$")


def parse_time(value: Any) -> datetime:
    """A timezone-aware UTC datetime from ISO-8601, Twitter's format, or epoch seconds/milliseconds.

    A time without a zone is taken as UTC. Raises ``ValueError`` with a readable message otherwise,
    including for a time no calendar can hold (an epoch of 20 digits, a year past 9999 in UTC).
    """
    if isinstance(value, bool) or value is None or value == "":
        raise ValueError(f"not a time: {value!r}")
    try:
        return _parse_time(value)
    except (OverflowError, OSError) as error:
        raise ValueError(f"time {value!r} is out of range ({error})") from None


def _parse_time(value: Any) -> datetime:
    if value.__class__ is str and value[4:5] == "-":
        # The common case, ISO-8601 as the exports write it, parsed at once (Python 3.11 reads a trailing "Z").
        # A "-" after four characters rules out an epoch number; whatever this cannot read takes the long way.
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return (parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(value, int | float) or (isinstance(value, str) and _EPOCH.match(value.strip())):
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(f"not a time: {value!r}")
        if number > 1e11:
            number /= 1000.0
        return datetime.fromtimestamp(number, tz=UTC)
    if not isinstance(value, str):
        raise ValueError(f"not a time: {value!r}")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "zZ" else text)
    except ValueError:
        try:
            parsed = datetime.strptime(text, _TWITTER_TIME)
        except ValueError:
            raise ValueError(f"not an ISO-8601, Twitter or epoch time: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
