"""Shared test set-up: the plugin is imported as the package ``gridgov`` from ``.build/pkg``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG_DIR = ROOT / ".build" / "pkg"
PKG_DIR.mkdir(parents=True, exist_ok=True)
_link = PKG_DIR / "gridgov"
if not _link.exists():
    _link.symlink_to(Path("..") / "..", target_is_directory=True)
if str(PKG_DIR) not in sys.path:
    sys.path.insert(0, str(PKG_DIR))
