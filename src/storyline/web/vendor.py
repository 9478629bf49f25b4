"""The JavaScript and data the web UI ships, from npm, so every page works offline (no CDN).
`VENDORED` pins each package and the files taken from it; rebuild static/vendor/ with

    python -m storyline.web.vendor

which runs `npm pack` for each pin and copies the files and the package's licence. The licences
are listed in the README ("Dependencies").
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "static" / "vendor"

# npm package@version: (licence, files inside the package, their licence file)
VENDORED: dict[str, tuple[str, list[str], str]] = {
    "leaflet@1.9.4": ("BSD-2-Clause", ["dist/leaflet.js", "dist/leaflet.css"], "LICENSE"),
    "leaflet.markercluster@1.5.3": ("MIT", ["dist/leaflet.markercluster.js", "dist/MarkerCluster.css",
                                            "dist/MarkerCluster.Default.css"], "MIT-LICENCE.txt"),
    "vis-timeline@8.5.4": ("Apache-2.0 OR MIT", ["standalone/umd/vis-timeline-graph2d.min.js",
                                                 "styles/vis-timeline-graph2d.min.css"], "LICENSE.MIT.txt"),
    "topojson-client@3.1.0": ("ISC", ["dist/topojson-client.min.js"], "LICENSE"),
    # Natural Earth's countries (public domain) as TopoJSON: the base map, no tile server
    "world-atlas@2.0.2": ("ISC", ["countries-110m.json", "countries-50m.json"], "LICENSE"),
    "swagger-ui-dist@5.35.0": ("Apache-2.0", ["swagger-ui-bundle.js", "swagger-ui.css"], "LICENSE"),
    "redoc@2.5.4": ("MIT", ["bundles/redoc.standalone.js"], "LICENSE"),
}


def name_of(pin: str) -> str:
    return pin.rsplit("@", 1)[0]


def vendor(out: Path = VENDOR) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for pin, (_, files, licence) in VENDORED.items():
            subprocess.run(["npm", "pack", "--silent", pin], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
            tgz = next(Path(tmp).glob("*.tgz"))
            with tarfile.open(tgz) as tar:
                tar.extractall(Path(tmp) / "x", filter="data")
            tgz.unlink()
            dest = out / name_of(pin)
            shutil.rmtree(dest, ignore_errors=True)
            dest.mkdir(parents=True)
            for f in [*files, licence]:
                shutil.copy(Path(tmp) / "x" / "package" / f, dest / Path(f).name)
            shutil.rmtree(Path(tmp) / "x")
            print(f"{pin}: {', '.join(Path(f).name for f in files)}", file=sys.stderr)


if __name__ == "__main__":
    vendor()
