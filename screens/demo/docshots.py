"""Copy a demo run's screenshots into docs/screens/ at half size (reference screenshots).

``standard-<screen>.png`` (or ``landscape-<screen>.png``) for every screen from
``OUT/screens/all`` and ``journey-NN-<journey>-<label>.png`` for the numbered journey shots.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image


def export(out_dir: Path, docs_dir: Path, prefix: str = "standard",
           journeys: bool = True) -> list[Path]:
    """Write the half-size copies; return the files written."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    written = []
    shots = out_dir / "screens"
    pairs = [(png, f"{prefix}-{png.name}") for png in sorted((shots / "all").glob("*.png"))]
    if journeys:
        pairs += [(png, f"journey-{png.name}") for png in sorted(shots.glob("*.png"))
                  if "failure" not in png.name]
    for source, name in pairs:
        with Image.open(source) as image:
            small = image.convert("RGB").resize((image.width // 2, image.height // 2),
                                                Image.Resampling.LANCZOS)
            target = docs_dir / name
            small.save(target, optimize=True)
            written.append(target)
    return written
