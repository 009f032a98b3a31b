"""File and folder names made from data (unit names, titles).

Names come from office staff; they must not leave the output folder, hit
Windows device names or characters, or exceed the 255-byte limit of most file
systems.
"""

from __future__ import annotations

import re
import unicodedata

_FORBIDDEN = re.compile(r'[\x00-\x1f<>:"/\\|?*\x7f]')
_DEVICES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
MAX_NAME_BYTES = 200  # leaves room for a suffix and temp-file prefix under 255


def safe_filename(name: str, suffix: str = "") -> str:
    """One path component for ``name`` + ``suffix``, valid on Windows, macOS and Linux."""
    text = unicodedata.normalize("NFC", name)
    text = _FORBIDDEN.sub("_", text).strip(" .")
    if not text or text.split(".")[0].upper() in _DEVICES:
        text = f"_{text}"
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_NAME_BYTES:
        text = encoded[:MAX_NAME_BYTES].decode("utf-8", errors="ignore")
    return text + suffix
