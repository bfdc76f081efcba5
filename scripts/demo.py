"""`make demo`: the main job on the built-in demo city, ending in files a person can open.

Runs the plugin's own Processing algorithms headless (as the toolbox or qgis_process would) and
renders the result through QGIS's map renderer.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".build" / "pkg"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication, QgsProcessingFeedback  # noqa: E402


class PrintFeedback(QgsProcessingFeedback):
    """Echo the algorithm's messages to the terminal."""

    def pushInfo(self, info: str) -> None:  # noqa: N802
        print("  ", info, flush=True)

    def reportError(self, error: str, fatalError: bool = False) -> None:  # noqa: N802, N803
        print("ERROR:", error, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20251)
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append(str(Path(QgsApplication.pkgDataPath()) / "python" / "plugins"))
    import processing
    from processing.core.Processing import Processing

    from gridgov.layers.processing.provider import GridGovProvider
    from gridgov.layers.render import render_project_png

    Processing.initialize()
    provider = GridGovProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    try:
        started = time.perf_counter()
        print(f"gridgov:democity seed={args.seed} orders={args.orders}", flush=True)
        result = processing.run(
            "gridgov:democity",
            {"SEED": args.seed, "ORDERS": args.orders, "OUTPUT": str(out / "demo_city.gpkg")},
            feedback=PrintFeedback(),
        )
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
        png = render_project_png(
            result["PROJECT"], out / "overview.png", extent_layer="district",
            title="深圳市滨河区（示范）网格总览  Demo district: streets · communities · grids · micro-grids · "
                  "dedicated grids · 12345 orders",
        )
        print(f"Wrote {result['OUTPUT']}\n      {result['PROJECT']}\n      {png}", flush=True)
    finally:
        QgsApplication.processingRegistry().removeProvider(provider)
        app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
