"""Consented collection: fetch a conversation through a platform API into the raw format its reader reads.

One module per platform (``x``, ``mastodon``, ``bluesky``); ``base`` holds what they share: the
consent check, rate-limit waits with a countdown, the output pages and their provenance sidecar.
Nothing is fetched without a valid consent manifest.
"""

from __future__ import annotations

from threadlens.fetch.base import FetchResult, provenance_path

__all__ = ["FetchResult", "provenance_path"]
