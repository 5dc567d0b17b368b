"""Write strokes.json from an unpacked npm package ``hanzi-writer-data`` (2.0.1).

    npm pack hanzi-writer-data@2.0.1 && tar xzf hanzi-writer-data-2.0.1.tgz
    python tests/data/handwriting/make_strokes.py package/

Each character's ``medians`` (one polyline a stroke, in the order the character is written,
in a 1024-unit box with y pointing up and the baseline at 900) become screen strokes
(y down: y' = 900 - y). The data derives from Make Me a Hanzi and Arphic's fonts, under the
Arphic Public License (ARPHICPL.TXT beside this file).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from kiosk.handwriting.strokes import StrokeSet  # noqa: E402

# A dozen from the item names the citizens come for, then more of the catalog's words.
CHARACTERS = "社保医公积金户税证查办车婚姻明询交通违法身份出入境疗口务不动产"


def main(package: Path) -> None:
    chars = {}
    for char in CHARACTERS:
        data = json.loads((package / f"{char}.json").read_text(encoding="utf-8"))
        chars[char] = [[(float(x), float(900 - y)) for x, y in median]
                       for median in data["medians"]]
    StrokeSet(1024, 1024, chars).dump(HERE / "strokes.json")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
