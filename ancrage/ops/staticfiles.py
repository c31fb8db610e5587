"""WhiteNoise's compressed manifest storage, with brotli at a quality that deploys in seconds.

WhiteNoise compresses with brotli's maximum quality (11): for the ~3,500 DSFR, admin and project
files that made ``collectstatic`` take minutes (measured here: 93 s for 300 files at quality 11,
0.55 s at quality 5, which is still smaller than gzip -9). ``STATIC_BROTLI_QUALITY`` sets it.
"""

from typing import Any

import brotli
from django.conf import settings
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class _Compressor(Compressor):
    def compress_brotli(self, data: bytes) -> bytes:  # type: ignore[override]
        return brotli.compress(data, quality=int(getattr(settings, "STATIC_BROTLI_QUALITY", 5)))


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed names (cached for ten years by WhiteNoise), gzip and brotli copies of every text file."""

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return _Compressor(**kwargs)
