#!/usr/bin/env python3
"""Build dense monthly complaint-count series from the Montreal 311 (GDC) extracts.

Source (see SOURCE.md):
  * nicolaskruchten/nicolaskruchten.github.io @ 31153b67023d88b05da8c3d9f6ed905cec4310e6
      311/small_groups.csv   columns: year,month,borough,district,category,calls
      (58 electoral districts x 22 keyword categories x 2008-01..2012-12)
  * nicolaskruchten/mtl311 @ f1013dde899b9b7da79aea4631f94ba214e23e5b
      311_pivot.csv          columns: Year,Month(Jan..Dec),Borough,Category,Requests
      (19 boroughs x 18 final categories x 2008-01..2012-12)

Runs offline with the Python standard library only.  Input files are read
from ./raw_montreal/ next to this script; if they are missing they are
extracted with `git show` from the fetched mirrors under /work/.mirror/.

Outputs (next to this script):
  series.csv                         borough level:  area=borough,  class=category (18, English)
  series_montreal_district.csv       district level: area=district, class=category (22, French)
  series_montreal_district.csv.gz    same, gzip-compressed (plain file is ~3 MB)
  areas_montreal_district.csv        district -> borough lookup
All series files: columns area,class,month,count; dense (0 where no request), sorted.
"""
import csv
import gzip
import os
import subprocess
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.join(HERE, "raw_montreal")

SOURCES = {
    "small_groups.csv": (
        "/work/.mirror/nicolaskruchten+nicolaskruchten.github.io/repo",
        "31153b67023d88b05da8c3d9f6ed905cec4310e6",
        "311/small_groups.csv",
    ),
    "311_pivot.csv": (
        "/work/.mirror/nicolaskruchten+mtl311/repo",
        "f1013dde899b9b7da79aea4631f94ba214e23e5b",
        "311_pivot.csv",
    ),
}

MONTHS = {m: i + 1 for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])}


def raw_path(name):
    path = os.path.join(RAW, name)
    if not os.path.exists(path):
        gitdir, commit, inner = SOURCES[name]
        os.makedirs(RAW, exist_ok=True)
        blob = subprocess.run(["git", "--git-dir", gitdir, "show", f"{commit}:{inner}"],
                              check=True, capture_output=True).stdout
        with open(path, "wb") as f:
            f.write(blob)
    return path


def month_range(first, last):
    (y, m), out = first, []
    while (y, m) <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def densify(counts, out_name):
    """counts: {(area, class, (y, m)): n}. Writes a dense CSV and returns stats."""
    areas = sorted({k[0] for k in counts})
    classes = sorted({k[1] for k in counts})
    yms = [k[2] for k in counts]
    months = month_range(min(yms), max(yms))
    by_key = defaultdict(int)
    for (a, c, (y, m)), n in counts.items():
        by_key[(a, c, f"{y:04d}-{m:02d}")] += n
    rows = 0
    per_series = []
    with open(os.path.join(HERE, out_name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["area", "class", "month", "count"])
        for a in areas:
            for c in classes:
                vals = [by_key.get((a, c, mo), 0) for mo in months]
                for mo, v in zip(months, vals):
                    w.writerow([a, c, mo, v])
                    rows += 1
                per_series.append(vals)
    n_series = len(per_series)
    nonzero_share = [sum(v > 0 for v in s) / len(s) for s in per_series]
    means = [sum(s) / len(s) for s in per_series]
    stats = {
        "file": out_name,
        "bytes": os.path.getsize(os.path.join(HERE, out_name)),
        "rows": rows,
        "areas": len(areas),
        "classes": len(classes),
        "series": n_series,
        "months": len(months),
        "first_month": months[0],
        "last_month": months[-1],
        "total_count": sum(sum(s) for s in per_series),
        "series_all_zero": sum(1 for s in per_series if sum(s) == 0),
        "share_series_mean_ge_1": sum(m >= 1 for m in means) / n_series,
        "mean_share_months_nonzero": sum(nonzero_share) / n_series,
        "share_series_every_month_nonzero": sum(z == 1.0 for z in nonzero_share) / n_series,
        "share_series_ge_half_months_nonzero": sum(z >= 0.5 for z in nonzero_share) / n_series,
        "share_cells_zero": sum(v == 0 for s in per_series for v in s) / rows,
        "median_series_mean": sorted(means)[n_series // 2],
    }
    return stats


def build_district():
    counts = defaultdict(int)
    with open(raw_path("small_groups.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            # district names are unique across boroughs in this file (58 pairs, 58 names)
            key = (r["district"], r["category"], (int(r["year"]), int(r["month"])))
            counts[key] += int(r["calls"])
    pairs = set()
    with open(raw_path("small_groups.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            pairs.add((r["borough"], r["district"]))
    assert len(pairs) == len({d for _, d in pairs}), "district names not unique"
    with open(os.path.join(HERE, "areas_montreal_district.csv"), "w", newline="",
              encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["area", "borough"])
        for b, d in sorted(pairs, key=lambda p: p[1]):
            w.writerow([d, b])
    return densify(counts, "series_montreal_district.csv")


def build_borough():
    counts = defaultdict(int)
    with open(raw_path("311_pivot.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            key = (r["Borough"], r["Category"], (int(r["Year"]), MONTHS[r["Month"]]))
            counts[key] += int(r["Requests"])
    return densify(counts, "series.csv")


def main():
    results = (build_borough(), build_district())
    src = os.path.join(HERE, "series_montreal_district.csv")
    with open(src, "rb") as fi, gzip.GzipFile(src + ".gz", "wb", mtime=0) as fo:
        fo.write(fi.read())
    for stats in results:
        print("--", stats["file"])
        for k, v in stats.items():
            if k != "file":
                print(f"   {k}: {round(v, 4) if isinstance(v, float) else v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
