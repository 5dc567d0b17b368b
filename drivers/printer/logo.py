"""The terminal's receipt logo, drawn in code so it needs no image file or system font.

A rounded badge with a bold "e" and "24h" — the e办通 mark — as a 1-bit-friendly image
(black on white). Pillow's built-in font keeps it identical on every machine, so golden
byte tests can include it.
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont


def emblem(height: int = 72) -> Image.Image:
    """The e办通 badge, ``height`` dots tall (mode "L", black on white)."""
    scale = height / 72
    width = round(216 * scale)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (1, 1, width - 2, height - 2),
        radius=round(16 * scale),
        outline=0,
        width=max(2, round(4 * scale)),
    )
    disc = (round(10 * scale), round(8 * scale), round(66 * scale), round(64 * scale))
    draw.ellipse(disc, fill=0)
    centre = ((disc[0] + disc[2]) / 2, (disc[1] + disc[3]) / 2)
    big = ImageFont.load_default(size=round(48 * scale))
    draw.text(centre, "e", font=big, fill=255, anchor="mm")
    draw.text(
        (round(78 * scale), height / 2),
        "24h",
        font=ImageFont.load_default(size=round(44 * scale)),
        fill=0,
        anchor="lm",
        stroke_width=1,
        stroke_fill=0,
    )
    return image
