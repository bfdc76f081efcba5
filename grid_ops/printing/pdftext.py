"""Make the Chinese text of a Qt-written PDF search and copy as the characters it shows.

Qt builds each font's ToUnicode map by walking code points upward and keeping the first that
reaches a glyph. CJK fonts such as Noto Sans CJK draw a Kangxi radical (U+2F00-U+2FDF) or a CJK
radical supplement (U+2E80-U+2EFF) with the same glyph as the ideograph, and those blocks come first:
"网格" is copied out as "⽹格", "清水河" as "清⽔河", and a search for 网格 finds nothing. This module
rewrites those entries to the ideograph. The entries are 4-digit hex codes replaced by 4-digit hex
codes, so no byte moves and the PDF's cross-reference table stays valid.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

RADICAL_BLOCKS = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF))
_TOUNICODE_REF = re.compile(rb"/ToUnicode (\d+) 0 R")
_HEX = re.compile(rb"<([0-9A-Fa-f]{4})>")


def is_radical(code: int) -> bool:
    return any(lo <= code <= hi for lo, hi in RADICAL_BLOCKS)


def kangxi_to_ideograph() -> dict[int, int]:
    """Radicals that Unicode itself maps to an ideograph (NFKC): the whole Kangxi block and two others."""
    out = {}
    for lo, hi in RADICAL_BLOCKS:
        for code in range(lo, hi + 1):
            text = unicodedata.normalize("NFKC", chr(code))
            if len(text) == 1 and ord(text) != code and not is_radical(ord(text)):
                out[code] = ord(text)
    return out


def rewrite_to_unicode(data: bytes, mapping: dict[int, int]) -> tuple[bytes, int]:
    """``data`` with every radical in its ToUnicode streams replaced through ``mapping``; and the count."""
    out = bytearray(data)
    changed = 0
    for number in sorted(set(_TOUNICODE_REF.findall(data))):
        start = data.find(b"\n" + number + b" 0 obj")
        if start < 0:
            continue
        body = data.find(b"stream", start)
        end = data.find(b"endstream", body)
        if body < 0 or end < 0:
            continue
        for match in _HEX.finditer(data, body, end):
            code = int(match.group(1), 16)
            target = mapping.get(code)
            if target is not None and target <= 0xFFFF:
                out[match.start(1) : match.end(1)] = b"%04X" % target
                changed += 1
    return bytes(out), changed


def fix_pdf_text(path: str | Path, mapping: dict[int, int] | None = None) -> int:
    """Rewrite a PDF file in place (see the module docstring); returns how many entries changed."""
    path = Path(path)
    data = path.read_bytes()
    new, changed = rewrite_to_unicode(data, mapping if mapping is not None else kangxi_to_ideograph())
    if changed:
        assert len(new) == len(data)
        path.write_bytes(new)
    return changed
