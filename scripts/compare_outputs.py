"""Compare two runs of `make demo` cell by cell: the proof that a refactor changed nothing it should not.

Why: issue 25 (item 6) asks that the engine's reorganisation be shown to leave the demo's outputs as they
were, apart from what a commit changed on purpose (819e9b8 adds the column `overlap`; pass it with
--ignore-column). Looking at the maps is not enough, so every output is read back by kind and compared
value by value:

- GeoPackage: every table, spatial or not (sqlite3): the same tables, row counts, columns in the same
  order with the same declared types and every cell equal (geometry blobs byte for byte, numbers
  exactly, NaN equal to NaN). gpkg_contents' last_change (a timestamp) is left out and R-tree indexes
  are compared by their rows, not their pages.
- CSV (utf-8-sig, else gbk) and XLSX (every sheet): every cell, as written.
- GeoTIFF: size, geotransform, projection, nodata and every band's pixels (NaN equal to NaN).
- PNG: pixels (through GDAL), reported but not counted (QGIS's labels move from render to render);
  PDF: rendered, not compared (sizes shown).
- .qgz: the project's .qgs as canonical XML (Qt orders attributes differently in each process), without
  its save time, the random parts of layer ids, the order of lists QGIS writes from hash tables and the
  random colours of layers added without a style.
- Anything else (JSON, TXT, QML, .aux.xml ...): the text, with each run's own folder written as <OUT>.

Usage: python scripts/compare_outputs.py BEFORE_DIR AFTER_DIR [--ignore-column NAME ...] [--examples N]
Prints one line per file (plus the details of what differs) and exits 1 if anything differs.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import math
import re
import sqlite3
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import canonicalize

RENDERED = {".pdf"}
RASTERS = {".tif", ".tiff"}
UUID = re.compile(r"[0-9a-fA-F]{8}([-_])[0-9a-fA-F]{4}\1[0-9a-fA-F]{4}\1[0-9a-fA-F]{4}\1[0-9a-fA-F]{12}")
SAVE_TIME = re.compile(r'saveDateTime="[^"]*"|<creation>[^<]*</creation>')  # when the project was written
COLOUR = re.compile(
    r'<Option name="color" type="QString" value="[0-9,]*"></Option>|<prop k="color" v="[0-9,]*"></prop>'
)
EMBEDDED_XML = re.compile(r'"(&lt;[^"]*)"')  # a symbol's XML kept as an attribute's text


def _canonical_xml(text: str) -> str:
    """C14N: attributes sorted (Qt writes them in another order in each process), also in XML held as text."""

    def embedded(match: re.Match[str]) -> str:
        try:
            return '"' + html.escape(canonicalize(html.unescape(match.group(1)))) + '"'
        except ET.ParseError:
            return match.group(0)

    return EMBEDDED_XML.sub(embedded, canonicalize(text))


@dataclass
class Result:
    """What one file's comparison found: a status word and the lines that say where it differs."""

    status: str  # same | differs | rendered | only-before | only-after
    note: str = ""
    details: list[str] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return self.status in ("differs", "only-before", "only-after")


@dataclass
class Context:
    """The run's settings: ignored columns, examples per column and each side's folder (for paths in text)."""

    ignore: frozenset[str]
    examples: int
    roots: tuple[str, str]

    def normalise(self, text: str, side: int) -> str:
        return text.replace(self.roots[side], "<OUT>")


def cells_equal(a: Any, b: Any) -> bool:
    """Exact equality of one cell, as Python's == (numbers by value: a GeoPackage column's declared type
    is compared apart); NaN equals NaN."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return f"<{len(value)} bytes {value[:12].hex()}...>"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def compare_rows(
    label: str,
    columns_a: Sequence[str],
    rows_a: list[Sequence[Any]],
    columns_b: Sequence[str],
    rows_b: list[Sequence[Any]],
    ctx: Context,
    row_name: str = "row",
    key_column: str | None = None,
) -> list[str]:
    """Compare two tables (a header and rows) after dropping the ignored columns; lines that say what differs."""
    keep_a = [i for i, c in enumerate(columns_a) if c not in ctx.ignore]
    keep_b = [i for i, c in enumerate(columns_b) if c not in ctx.ignore]
    names_a = [columns_a[i] for i in keep_a]
    names_b = [columns_b[i] for i in keep_b]
    dropped = sorted(set(columns_a).union(columns_b) & ctx.ignore)
    prefix = f"{label}: " if label else ""
    out: list[str] = []
    if names_a != names_b:
        only_a = [c for c in names_a if c not in names_b]
        only_b = [c for c in names_b if c not in names_a]
        what = f"only before {only_a}, only after {only_b}" if only_a or only_b else "same columns, other order"
        out.append(f"{prefix}columns differ ({what})")
        return out
    if len(rows_a) != len(rows_b):
        out.append(f"{prefix}row count {len(rows_a)} before, {len(rows_b)} after")
        return out
    if len(keep_a) != len(columns_a) or len(keep_b) != len(columns_b):
        rows_a = [tuple(r[i] if i < len(r) else None for i in keep_a) for r in rows_a]
        rows_b = [tuple(r[i] if i < len(r) else None for i in keep_b) for r in rows_b]
    if rows_a == rows_b:  # the fast path: lists of tuples compare in C
        return out
    key = names_a.index(key_column) if key_column in names_a else None
    per_column: dict[int, list[Any]] = {}  # column -> [count, examples]
    rows_differing = 0
    for n, (ra, rb) in enumerate(zip(rows_a, rows_b)):
        if ra == rb:
            continue
        width = max(len(ra), len(rb))
        ra = tuple(ra) + (None,) * (width - len(ra))
        rb = tuple(rb) + (None,) * (width - len(rb))
        hit = False
        for c in range(width):
            va, vb = ra[c], rb[c]
            if cells_equal(va, vb):
                continue
            if isinstance(va, str) and isinstance(vb, str) and ctx.normalise(va, 0) == ctx.normalise(vb, 1):
                continue  # each run's own output folder
            hit = True
            entry = per_column.setdefault(c, [0, []])
            entry[0] += 1
            if len(entry[1]) < ctx.examples:
                where = f"{row_name} {n + 1}" + (f" ({key_column}={ra[key]!r})" if key is not None else "")
                entry[1].append(f"{where}: {_show(va)} -> {_show(vb)}")
        rows_differing += hit
    if not per_column:
        return out
    cells = sum(e[0] for e in per_column.values())
    out.append(f"{prefix}{cells} cells differ in {rows_differing} of {len(rows_a)} rows")
    for c, (count, examples) in sorted(per_column.items()):
        name = names_a[c] if c < len(names_a) else f"#{c + 1}"
        out.append(f"  column {name}: {count} cells; first at {examples[0]}")
        out.extend(f"    also {e}" for e in examples[1:])
    if dropped:
        out.append(f"  (ignored columns: {', '.join(dropped)})")
    return out


# ---------------------------------------------------------------- GeoPackage


def _gpkg_objects(con: sqlite3.Connection) -> dict[str, str]:
    rows = con.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view', 'index', 'trigger')")
    return {name: kind for name, kind in rows if not name.startswith("sqlite_autoindex")}


def _is_rtree_shadow(name: str, objects: dict[str, str]) -> bool:
    for suffix in ("_node", "_parent", "_rowid"):
        if name.endswith(suffix) and name.startswith("rtree_") and name[: -len(suffix)] in objects:
            return True
    return False


def _read_table(con: sqlite3.Connection, table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    quoted = '"' + table.replace('"', '""') + '"'
    try:
        cursor = con.execute(f"SELECT * FROM {quoted} ORDER BY rowid")
    except sqlite3.OperationalError:  # a view or a table without rowid
        cursor = con.execute(f"SELECT * FROM {quoted}")
    rows = cursor.fetchall()
    return [d[0] for d in cursor.description], rows


def _declared_types(con: sqlite3.Connection, table: str, ctx: Context) -> dict[str, str]:
    quoted = '"' + table.replace('"', '""') + '"'
    rows = con.execute(f"PRAGMA table_info({quoted})").fetchall()
    return {str(r[1]): str(r[2]) for r in rows if r[1] not in ctx.ignore}


def compare_gpkg(a: Path, b: Path, ctx: Context) -> Result:
    """Every table (and the names of views, indexes and triggers) of two SQLite / GeoPackage files."""
    con_a = sqlite3.connect(f"file:{a}?mode=ro", uri=True)
    con_b = sqlite3.connect(f"file:{b}?mode=ro", uri=True)
    con_a.text_factory = con_b.text_factory = bytes_or_text
    try:
        obj_a, obj_b = _gpkg_objects(con_a), _gpkg_objects(con_b)
        details: list[str] = []
        if obj_a != obj_b:
            only_a = sorted(set(obj_a) - set(obj_b))
            only_b = sorted(set(obj_b) - set(obj_a))
            details.append(f"schema objects differ: only before {only_a}, only after {only_b}")
        tables = sorted(n for n, k in obj_a.items() if k == "table" and obj_b.get(n) == "table")
        tables = [t for t in tables if not _is_rtree_shadow(t, obj_a)]
        rows_total = 0
        for table in tables:
            cols_a, rows_a = _read_table(con_a, table)
            cols_b, rows_b = _read_table(con_b, table)
            if table == "gpkg_contents":  # last_change is the time of writing
                rows_a = [tuple(v for c, v in zip(cols_a, r) if c != "last_change") for r in rows_a]
                rows_b = [tuple(v for c, v in zip(cols_b, r) if c != "last_change") for r in rows_b]
                cols_a = [c for c in cols_a if c != "last_change"]
                cols_b = [c for c in cols_b if c != "last_change"]
            rows_total += len(rows_a)
            types_a, types_b = _declared_types(con_a, table, ctx), _declared_types(con_b, table, ctx)
            changed = [f"{c}: {t} -> {types_b[c]}" for c, t in types_a.items() if c in types_b and t != types_b[c]]
            if changed:
                details.append(f"table {table}: declared types differ ({'; '.join(changed)})")
            key = next((c for c in ("fid", "id", "ogc_fid") if c in cols_a), None)
            details += compare_rows(f"table {table}", cols_a, rows_a, cols_b, rows_b, ctx, key_column=key)
        note = f"{len(tables)} tables, {rows_total} rows"
        return Result("differs" if details else "same", note, details)
    finally:
        con_a.close()
        con_b.close()


def bytes_or_text(raw: bytes) -> str | bytes:
    """SQLite TEXT as str; bytes that are not UTF-8 kept as bytes (still compared exactly)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


# ---------------------------------------------------------------- CSV and XLSX


def read_text(path: Path) -> tuple[str, str]:
    """A text file's content and its encoding: utf-8-sig first, else gbk (the Excel-friendly exports)."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gbk"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


def compare_csv(a: Path, b: Path, ctx: Context) -> Result:
    (text_a, enc_a), (text_b, enc_b) = read_text(a), read_text(b)
    rows_a = [tuple(r) for r in csv.reader(io.StringIO(text_a, newline=""))]
    rows_b = [tuple(r) for r in csv.reader(io.StringIO(text_b, newline=""))]
    details = [f"encoding {enc_a} before, {enc_b} after"] if enc_a != enc_b else []
    head_a, head_b = (rows_a[0] if rows_a else ()), (rows_b[0] if rows_b else ())
    details += compare_rows("", head_a, rows_a[1:], head_b, rows_b[1:], ctx, row_name="data row")
    note = f"{max(len(rows_a) - 1, 0)} rows × {len(head_a)} columns"
    return Result("differs" if details else "same", note, details)


def _sheet_rows(sheet: Any) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    rows = list(sheet.iter_rows(values_only=True))
    header = tuple("" if v is None else str(v) for v in rows[0]) if rows else ()
    return header, rows[1:]


def compare_xlsx(a: Path, b: Path, ctx: Context) -> Result:
    """Every sheet's cell values (the first row read as the header, for --ignore-column)."""
    import openpyxl

    book_a = openpyxl.load_workbook(a, read_only=True, data_only=True)
    book_b = openpyxl.load_workbook(b, read_only=True, data_only=True)
    try:
        details: list[str] = []
        if book_a.sheetnames != book_b.sheetnames:
            details.append(f"sheets {book_a.sheetnames} before, {book_b.sheetnames} after")
        rows_total = 0
        for name in [s for s in book_a.sheetnames if s in book_b.sheetnames]:
            head_a, rows_a = _sheet_rows(book_a[name])
            head_b, rows_b = _sheet_rows(book_b[name])
            rows_total += len(rows_a)
            details += compare_rows(f"sheet {name}", head_a, rows_a, head_b, rows_b, ctx, row_name="data row")
        note = f"{len(book_a.sheetnames)} sheets, {rows_total} rows"
        return Result("differs" if details else "same", note, details)
    finally:
        book_a.close()
        book_b.close()


# ---------------------------------------------------------------- rasters and pictures


def _band_difference(arr_a: Any, arr_b: Any) -> str | None:
    import numpy as np

    if arr_a.dtype != arr_b.dtype:
        return f"data type {arr_a.dtype} before, {arr_b.dtype} after"
    floating = np.issubdtype(arr_a.dtype, np.floating)
    if np.array_equal(arr_a, arr_b, equal_nan=floating):
        return None
    unequal = arr_a != arr_b
    if floating:
        unequal &= ~(np.isnan(arr_a) & np.isnan(arr_b))
    count = int(unequal.sum())
    row, col = (int(i) for i in np.argwhere(unequal)[0])
    magnitude = np.abs(arr_a.astype("float64"))
    worst = float(np.nanmax(np.abs(arr_a.astype("float64") - arr_b.astype("float64"))[unequal]))
    peak = float(np.nanmax(magnitude)) if np.isfinite(magnitude).any() else 0.0
    relative = f" ({worst / peak:.2g} of the largest value, {peak:.6g})" if peak > 0 else ""
    return (
        f"{count} of {arr_a.size} pixels differ; first at row {row}, col {col}: "
        f"{arr_a[row, col]!r} -> {arr_b[row, col]!r}; largest difference {worst:.6g}{relative}"
    )


def compare_raster(a: Path, b: Path, ctx: Context) -> Result:
    """Size, georeferencing, nodata and every band's pixels, read through GDAL."""
    from osgeo import gdal

    gdal.UseExceptions()
    ds_a, ds_b = gdal.Open(str(a)), gdal.Open(str(b))  # kept open while their bands are read
    size_a = (ds_a.RasterXSize, ds_a.RasterYSize, ds_a.RasterCount)
    size_b = (ds_b.RasterXSize, ds_b.RasterYSize, ds_b.RasterCount)
    note = f"{size_a[0]}×{size_a[1]}×{size_a[2]}"
    if size_a != size_b:
        return Result("differs", note, [f"size (x, y, bands) {size_a} before, {size_b} after"])
    details: list[str] = []
    if ds_a.GetGeoTransform() != ds_b.GetGeoTransform():
        details.append(f"geotransform {ds_a.GetGeoTransform()} before, {ds_b.GetGeoTransform()} after")
    if ds_a.GetProjection() != ds_b.GetProjection():
        details.append("projection differs")
    for i in range(1, size_a[2] + 1):
        band_a, band_b = ds_a.GetRasterBand(i), ds_b.GetRasterBand(i)
        nodata_a, nodata_b = band_a.GetNoDataValue(), band_b.GetNoDataValue()
        if not cells_equal(nodata_a, nodata_b):
            details.append(f"band {i}: nodata {nodata_a!r} before, {nodata_b!r} after")
        difference = _band_difference(band_a.ReadAsArray(), band_b.ReadAsArray())
        if difference:
            details.append(f"band {i}: {difference}")
    return Result("differs" if details else "same", note, details)


def compare_picture(a: Path, b: Path, ctx: Context) -> Result:
    """A rendered PNG: its pixels are compared and reported, never counted as a difference: QGIS draws
    some labels a pixel or a candidate apart each time the same project is rendered (two renders of
    one .qgz in two processes differ by thousands of pixels, all in labels). The data behind the map
    is compared in its own files."""
    from osgeo import gdal

    gdal.UseExceptions()
    ds_a, ds_b = gdal.Open(str(a)), gdal.Open(str(b))
    pixels_a, pixels_b = ds_a.ReadAsArray(), ds_b.ReadAsArray()
    size = f"{ds_a.RasterXSize}×{ds_a.RasterYSize}"
    if pixels_a.shape != pixels_b.shape:
        return Result("rendered", f"not compared: {size} before, {ds_b.RasterXSize}×{ds_b.RasterYSize} after")
    changed = (pixels_a != pixels_b).reshape(-1, ds_a.RasterYSize, ds_a.RasterXSize).any(axis=0)
    count = int(changed.sum())
    if not count:
        return Result("rendered", f"{size}, every pixel the same")
    return Result("rendered", f"{size}, {count} pixels differ (not counted: labels move from render to render)")


# ---------------------------------------------------------------- text, projects and the rest


def _first_difference(lines_a: list[str], lines_b: list[str]) -> str:
    for n, (la, lb) in enumerate(zip(lines_a, lines_b)):
        if la != lb:
            return f"line {n + 1}: {_show(la.strip())} -> {_show(lb.strip())}"
    return f"{len(lines_a)} lines before, {len(lines_b)} after"


def _lines_differing(lines_a: list[str], lines_b: list[str]) -> int:
    return sum(la != lb for la, lb in zip(lines_a, lines_b)) + abs(len(lines_a) - len(lines_b))


def compare_text(a: Path, b: Path, ctx: Context) -> Result:
    (text_a, _), (text_b, _) = read_text(a), read_text(b)
    text_a, text_b = ctx.normalise(text_a, 0), ctx.normalise(text_b, 1)
    lines_a, lines_b = text_a.splitlines(), text_b.splitlines()
    if text_a == text_b:
        return Result("same", f"{len(lines_a)} lines")
    changed = _lines_differing(lines_a, lines_b)
    return Result(
        "differs", f"{len(lines_a)} lines", [f"{changed} lines differ; first at {_first_difference(lines_a, lines_b)}"]
    )


def _project_text(path: Path, ctx: Context, side: int) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        texts = {}
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith((".qgs", ".qgd", ".xml")):
                text = _canonical_xml(data.decode("utf-8"))
                texts[name] = UUID.sub("<id>", SAVE_TIME.sub("<time>", ctx.normalise(text, side)))
            else:
                texts[name] = data.hex()
        return texts


def compare_project(a: Path, b: Path, ctx: Context) -> Result:
    """A .qgz: each member; the .qgs as canonical XML (attributes sorted) without its save time and the
    random parts of layer ids. QGIS also writes some lists from hash tables (snapping settings, custom
    properties), in another order in each process: lines that only moved are not a difference; nor are
    colour values that changed one for one (a layer added without a style gets a random colour in each
    run): they are counted in the note."""
    texts_a, texts_b = _project_text(a, ctx, 0), _project_text(b, ctx, 1)
    details: list[str] = []
    moved = recoloured = 0
    if sorted(texts_a) != sorted(texts_b):
        details.append(f"members {sorted(texts_a)} before, {sorted(texts_b)} after")
    for name in sorted(set(texts_a) & set(texts_b)):
        if texts_a[name] == texts_b[name]:
            continue
        lines_a, lines_b = texts_a[name].splitlines(), texts_b[name].splitlines()
        count_a = Counter(line.strip() for line in lines_a)
        count_b = Counter(line.strip() for line in lines_b)
        only_a, only_b = count_a - count_b, count_b - count_a
        colours_a = Counter({line: n for line, n in only_a.items() if COLOUR.fullmatch(line)})
        colours_b = Counter({line: n for line, n in only_b.items() if COLOUR.fullmatch(line)})
        if sum(colours_a.values()) == sum(colours_b.values()):  # a colour for a colour: random, not counted
            recoloured += sum(colours_a.values())
            only_a, only_b = only_a - colours_a, only_b - colours_b
        if not only_a and not only_b:
            moved += _lines_differing(lines_a, lines_b)
            continue
        shown_a = [line.strip() for line in lines_a if line.strip() in only_a][: ctx.examples]
        shown_b = [line.strip() for line in lines_b if line.strip() in only_b][: ctx.examples]
        details.append(f"{name}: {sum(only_a.values())} lines only before, {sum(only_b.values())} only after")
        details += [f"  before: {_show(line)}" for line in shown_a] + [f"  after:  {_show(line)}" for line in shown_b]
    note = "project: canonical XML, save time and layer ids left out"
    if moved:
        note += f"; {moved} lines in another order, none changed"
    if recoloured:
        note += f"; {recoloured} colour values differ (not counted: QGIS colours a layer without a style at random)"
    return Result("differs" if details else "same", note, details)


def compare_bytes(a: Path, b: Path, ctx: Context) -> Result:
    same = a.read_bytes() == b.read_bytes()
    return Result("same" if same else "differs", "bytes", [] if same else ["bytes differ"])


def compare_file(a: Path, b: Path, ctx: Context) -> Result:
    suffix = a.suffix.lower()
    if suffix in RENDERED:
        return Result("rendered", f"not compared ({a.stat().st_size} bytes before, {b.stat().st_size} after)")
    if suffix == ".gpkg":
        return compare_gpkg(a, b, ctx)
    if suffix == ".csv":
        return compare_csv(a, b, ctx)
    if suffix == ".xlsx":
        return compare_xlsx(a, b, ctx)
    if suffix in RASTERS:
        return compare_raster(a, b, ctx)
    if suffix == ".png":
        return compare_picture(a, b, ctx)
    if suffix == ".qgz":
        return compare_project(a, b, ctx)
    with open(a, "rb") as head:
        if b"\0" in head.read(8192):  # binary: byte for byte
            return compare_bytes(a, b, ctx)
    return compare_text(a, b, ctx)


def files_under(root: Path) -> set[str]:
    """Every file below root, as paths relative to it (GeoPackage journals left out)."""
    skip = ("-wal", "-shm", "-journal")
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not p.name.endswith(skip)}


def compare_folders(before: Path, after: Path, ctx: Context) -> Iterable[tuple[str, Result]]:
    names_a, names_b = files_under(before), files_under(after)
    for name in sorted(names_a | names_b):
        if name not in names_b:
            yield name, Result("only-before")
        elif name not in names_a:
            yield name, Result("only-after")
        else:
            try:
                yield name, compare_file(before / name, after / name, ctx)
            except Exception as error:  # a file one side cannot read is a difference, not a crash
                yield name, Result("differs", "", [f"could not compare: {type(error).__name__}: {error}"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="the outputs of the earlier run")
    parser.add_argument("after", type=Path, help="the outputs of the later run")
    parser.add_argument(
        "--ignore-column",
        action="append",
        default=[],
        metavar="NAME",
        help="a column left out on both sides (tables, CSV, XLSX); may be given more than once",
    )
    parser.add_argument("--examples", type=int, default=1, help="differing rows shown per column (default 1)")
    args = parser.parse_args(argv)
    for folder in (args.before, args.after):
        if not folder.is_dir():
            parser.error(f"not a folder: {folder}")
    roots = (str(args.before.resolve()), str(args.after.resolve()))
    ctx = Context(frozenset(args.ignore_column), max(args.examples, 1), roots)
    counts: dict[str, int] = {}
    for name, result in compare_folders(args.before, args.after, ctx):
        counts[result.status] = counts.get(result.status, 0) + 1
        note = f"  ({result.note})" if result.note else ""
        print(f"{result.status.upper():<12}{name}{note}", flush=True)
        for line in result.details:
            print(f"    {line}", flush=True)
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    ignored = f"; ignored columns: {', '.join(sorted(ctx.ignore))}" if ctx.ignore else ""
    print(f"Compared {args.before} with {args.after}: {summary}{ignored}")
    return 1 if any(Result(status).differs for status in counts) else 0


if __name__ == "__main__":
    sys.exit(main())
