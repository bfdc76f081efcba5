"""Keep pyproj's PROJ context alive on QGIS's worker threads (pyproj 3.7 crashes QGIS otherwise).

pyproj 3.7 keeps one PROJ context per native thread in two places: the pointer in the thread's native
storage, and the object that destroys it in a ``threading.local``. QGIS runs tasks (processing in the
background, the dock's runs) on pooled native threads, and the Python thread state that such a thread
gets for one task is dropped after it: the ``threading.local`` goes with it and destroys the context,
while the native storage keeps the pointer. The next task on that thread, or a CRS made in the last
one, then hands PROJ a freed context, and QGIS dies in ``proj_create`` (pyproj issues 1509 and 1622;
QGIS 3.40 on Debian 13 has pyproj 3.7.1). Holding each thread's owner here, for the life of the
process, keeps every pointer valid. One context per native thread: QGIS's pool holds a few.
"""

from __future__ import annotations

import threading

_OWNERS: dict[int, object] = {}
_LOCK = threading.Lock()


def keep_pyproj_context() -> None:
    """Make this thread's pyproj context now and keep it alive (no-op before pyproj 3.7, or without pyproj)."""
    try:
        from pyproj import _context, datadir
    except ImportError:
        return
    manager_of = getattr(_context, "get_context_manager", None)
    if manager_of is None:  # pyproj < 3.7: each object has a context of its own
        return
    datadir.get_user_data_dir()  # makes this thread's context if it has none
    manager = manager_of()
    if manager is not None:  # made just now: a thread of this native id that held one before has ended
        with _LOCK:
            _OWNERS[threading.get_native_id()] = manager
