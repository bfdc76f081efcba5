"""The spatial index of a GeoPackage table built in one pass, for GDAL versions that build it row by row.

A GeoPackage's spatial index is an SQLite R*Tree (``rtree_<table>_<geom>``). GDAL 3.7 and later
build it in memory and write its nodes at once when a table is created or indexed; GDAL 3.6
(Debian 12, hence QGIS 3.22 there) inserts each row into the R*Tree, about 10 µs a row: 10 s of a
million-row result, more than writing the rows themselves. This module does what GDAL 3.7 does, for
a table written by GDAL without an index:

1. :func:`prepare` copies the index GDAL creates for an empty table of the same name (in a scratch
   GeoPackage): the virtual table, its seven triggers and the ``gpkg_extensions`` row are GDAL's
   own; the triggers wait, so rows appended meanwhile cost no per-row index work;
2. :func:`fill` packs the rows' bounding boxes into R*Tree nodes in Hilbert order (a packed tree,
   as the bulk loaders of SQLite's R*Tree write them), writes the three shadow tables directly and
   puts the triggers back.

The nodes follow SQLite's format (``ext/rtree/rtree.c``): a node is ``node size`` bytes (fixed when
the index was created: the root's length), a 2-byte depth (root only) and a 2-byte cell count, then
cells of an 8-byte id and four 4-byte floats (min x, max x, min y, max y), all big-endian;
coordinates are rounded outwards to 32-bit floats exactly as SQLite rounds them (``rtreeValueDown``
/ ``rtreeValueUp``). SQLite's own ``rtreecheck()`` verifies a tree built here (tests).
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: SQLite's rounding factors for 32-bit R*Tree coordinates (RNDTOWARDS / RNDAWAY in rtree.c).
_TOWARDS = 1.0 - 1.0 / 8388608.0
_AWAY = 1.0 + 1.0 / 8388608.0


@dataclass
class PutAside:
    """The index of one table whose triggers wait until :func:`fill` (their SQL as GDAL wrote it)."""

    path: str
    table: str
    rtree: str
    triggers: list[str]


def gdal_builds_in_bulk() -> bool:
    """Whether this GDAL builds a GeoPackage index in bulk itself (3.7 and later)."""
    from osgeo import gdal

    return int(gdal.VersionInfo("VERSION_NUM")) >= 3070000


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextlib.contextmanager
def _transaction(path: str):
    """A connection to ``path`` inside one transaction: committed when the block ends, rolled back
    (nothing of it kept) when it raises."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()


def prepare(path: str, table: str, geometry_column: str) -> PutAside:
    """Give ``table`` GDAL's own (empty) spatial index, its triggers put aside until :func:`fill`.

    GDAL is asked for the index on an empty table of the same name in a scratch GeoPackage (instant:
    no rows to insert); its virtual table, ``gpkg_extensions`` row and triggers are copied here as
    GDAL wrote them. The table itself may already hold its rows."""
    import tempfile

    from osgeo import gdal, ogr

    rtree = f"rtree_{table}_{geometry_column}"
    with tempfile.TemporaryDirectory(prefix="gridgov-rtree-") as folder:
        scratch = str(Path(folder) / "scratch.gpkg")
        dataset = ogr.GetDriverByName("GPKG").CreateDataSource(scratch)
        dataset.CreateLayer(table, None, ogr.wkbPoint, [f"GEOMETRY_NAME={geometry_column}", "SPATIAL_INDEX=NO"])
        dataset = None
        dataset = gdal.OpenEx(scratch, gdal.OF_VECTOR | gdal.OF_UPDATE)
        quoted_table, quoted_column = (name.replace("'", "''") for name in (table, geometry_column))
        dataset.ExecuteSQL(f"SELECT CreateSpatialIndex('{quoted_table}', '{quoted_column}')")
        dataset = None
        with contextlib.closing(sqlite3.connect(scratch)) as source:
            virtual = source.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (rtree,)
            ).fetchone()
            triggers = [
                sql
                for name, sql in source.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
                )
                if name.startswith(rtree + "_")
            ]
            extensions_ddl = source.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'gpkg_extensions'"
            ).fetchone()
            extension = source.execute(
                "SELECT table_name, column_name, extension_name, definition, scope FROM gpkg_extensions "
                "WHERE table_name = ? AND extension_name = 'gpkg_rtree_index'",
                (table,),
            ).fetchone()
    if virtual is None or not triggers or extension is None or extensions_ddl is None:
        raise OSError(f"GDAL created no spatial index for {table}")
    with _transaction(path) as connection:
        connection.execute(extensions_ddl[0].replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))
        connection.execute(virtual[0])
        connection.execute(
            "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
            "VALUES (?, ?, ?, ?, ?)",
            extension,
        )
    return PutAside(str(path), table, rtree, triggers)


def _down(values: np.ndarray) -> np.ndarray:
    single = values.astype(np.float32)
    high = single.astype(np.float64) > values
    if high.any():
        v = values[high]
        single[high] = (v * np.where(v < 0, _AWAY, _TOWARDS)).astype(np.float32)
    return single


def _up(values: np.ndarray) -> np.ndarray:
    single = values.astype(np.float32)
    low = single.astype(np.float64) < values
    if low.any():
        v = values[low]
        single[low] = (v * np.where(v < 0, _TOWARDS, _AWAY)).astype(np.float32)
    return single


def _hilbert_order(cx: np.ndarray, cy: np.ndarray, level: int = 16) -> np.ndarray:
    """Rows sorted along a Hilbert curve through their box centres (neighbours share nodes)."""
    if len(cx) == 0:
        return np.arange(0)
    side = (1 << level) - 1
    span_x = float(cx.max() - cx.min()) or 1.0
    span_y = float(cy.max() - cy.min()) or 1.0
    x = np.round((cx - cx.min()) / span_x * side).astype(np.int64)
    y = np.round((cy - cy.min()) / span_y * side).astype(np.int64)
    d = np.zeros(len(x), dtype=np.int64)
    s = 1 << (level - 1)
    while s > 0:
        rx = (x & s) > 0
        ry = (y & s) > 0
        d += s * s * ((3 * rx) ^ ry)
        # rotate the quadrant
        flip = ~ry
        both = flip & rx
        x = np.where(both, s - 1 - x, x)
        y = np.where(both, s - 1 - y, y)
        x, y = np.where(flip, y, x), np.where(flip, x, y)
        s >>= 1
    return np.argsort(d, kind="stable")


def _node_blobs(ids: np.ndarray, boxes: np.ndarray, counts: np.ndarray, node_size: int, depth: int | None) -> list:
    """Node blobs for consecutive groups of ``counts`` cells (``depth`` set: the root)."""
    cell = np.dtype([("id", ">i8"), ("minx", ">f4"), ("maxx", ">f4"), ("miny", ">f4"), ("maxy", ">f4")])
    cells = np.empty(len(ids), dtype=cell)
    cells["id"], cells["minx"], cells["maxx"], cells["miny"], cells["maxy"] = (
        ids, boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    )  # fmt: skip
    raw = cells.tobytes()
    blobs = []
    start = 0
    for count in counts.tolist():
        header = np.array([depth or 0, count], dtype=">u2").tobytes()
        body = raw[start * 24 : (start + count) * 24]
        blobs.append(header + body + bytes(node_size - 4 - len(body)))
        start += count
    return blobs


def fill(aside: PutAside, fids: np.ndarray, bounds: np.ndarray) -> None:
    """Write the index of ``aside`` for rows ``fids`` with ``bounds`` (n × 4: min x, min y, max x,
    max y; rows with a NaN bound, i.e. no or an empty geometry, stay out as GDAL's triggers leave
    them out), then put the triggers back."""
    fids = np.asarray(fids, dtype=np.int64)
    bounds = np.asarray(bounds, dtype=np.float64).reshape(-1, 4)
    keep = np.isfinite(bounds).all(axis=1)
    fids, bounds = fids[keep], bounds[keep]
    order = _hilbert_order((bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2)
    fids, bounds = fids[order], bounds[order]
    # per cell: min x, max x, min y, max y as SQLite stores them
    boxes = np.column_stack([_down(bounds[:, 0]), _up(bounds[:, 2]), _down(bounds[:, 1]), _up(bounds[:, 3])])

    with _transaction(aside.path) as connection:
        connection.execute("PRAGMA cache_size = -262144")  # 256 MB while the tables are written
        node_table, rowid_table, parent_table = (_quoted(f"{aside.rtree}_{s}") for s in ("node", "rowid", "parent"))
        root = connection.execute(f"SELECT data FROM {node_table} WHERE nodeno = 1").fetchone()
        node_size = len(root[0]) if root else 0
        per_node = (node_size - 4) // 24
        if per_node < 2:
            raise OSError(f"{aside.rtree}: unexpected node size {node_size}")
        connection.execute(f"DELETE FROM {node_table}")
        connection.execute(f"DELETE FROM {rowid_table}")
        connection.execute(f"DELETE FROM {parent_table}")
        nodes: list[tuple[int, bytes]] = []
        parents: list[tuple[int, int]] = []
        if len(fids) <= per_node:  # one node: the root is the leaf
            nodes.append((1, _node_blobs(fids, boxes, np.array([len(fids)]), node_size, 0)[0]))
            leaf_of = np.ones(len(fids), dtype=np.int64)
        else:
            # levels bottom up; node numbers from 2 (1 is the root), leaves first
            level_ids, level_boxes = fids, boxes
            next_number = 2
            depth = 0
            leaf_of = None
            while True:
                groups = int(np.ceil(len(level_ids) / per_node))
                if groups == 1:
                    root = _node_blobs(level_ids, level_boxes, np.array([len(level_ids)]), node_size, depth)
                    nodes.append((1, root[0]))
                    parents.extend((int(child), 1) for child in level_ids)
                    break
                # spread the cells evenly over the groups (no node far below the others' fill)
                counts = np.full(groups, len(level_ids) // groups)
                counts[: len(level_ids) % groups] += 1
                numbers = np.arange(next_number, next_number + groups, dtype=np.int64)
                next_number += groups
                blobs = _node_blobs(level_ids, level_boxes, counts, node_size, None)
                nodes.extend(zip(numbers.tolist(), blobs))
                owner = np.repeat(numbers, counts)
                if leaf_of is None:
                    leaf_of = owner
                else:
                    parents.extend(zip(level_ids.tolist(), owner.tolist()))
                starts = np.r_[0, np.cumsum(counts)[:-1]]
                level_boxes = np.column_stack(
                    [
                        np.minimum.reduceat(level_boxes[:, 0], starts),
                        np.maximum.reduceat(level_boxes[:, 1], starts),
                        np.minimum.reduceat(level_boxes[:, 2], starts),
                        np.maximum.reduceat(level_boxes[:, 3], starts),
                    ]
                )
                level_ids = numbers
                depth += 1
        connection.executemany(f"INSERT INTO {node_table} (nodeno, data) VALUES (?, ?)", nodes)
        _insert_rowids(connection, rowid_table, fids, leaf_of)
        connection.executemany(f"INSERT INTO {parent_table} (nodeno, parentnode) VALUES (?, ?)", parents)
        for sql in aside.triggers:
            connection.execute(sql)


def _insert_rowids(connection, table: str, fids: np.ndarray, leaf_of: np.ndarray) -> None:
    """Each row's leaf, in row order (appending to the b-tree, not inserting at random places); ids
    that run without a gap (a new table) go in as one JSON array through ``json_each``, which is
    three times faster than a million bound statements."""
    order = np.argsort(fids, kind="stable")
    fids, leaf_of = fids[order], leaf_of[order]
    if len(fids) and bool(np.all(np.diff(fids) == 1)) and sqlite3.sqlite_version_info >= (3, 38, 0):
        connection.execute(
            f"INSERT INTO {table} (rowid, nodeno) SELECT ? + key, value FROM json_each(?)",
            (int(fids[0]), "[" + ",".join(map(str, leaf_of.tolist())) + "]"),
        )
        return
    connection.executemany(f"INSERT INTO {table} (rowid, nodeno) VALUES (?, ?)", zip(fids.tolist(), leaf_of.tolist()))


def check(path: str, rtree: str) -> str:
    """SQLite's own verdict on an R*Tree (``rtreecheck``): ``'ok'`` or what is wrong."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT rtreecheck(?)", (rtree,)).fetchone()[0]
    finally:
        connection.close()
