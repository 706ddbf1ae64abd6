"""Draw the hub's own favicon and app icons, under GOV.UK Frontend's file names.

A service that is not on GOV.UK may not use the crown. The mark is plain geometry: a rounded
square in the hub's default brand colour with a white house outline and a heart in its door,
so no image library is needed (PNG and ICO are written with ``zlib`` and ``struct``). The file
names are GOV.UK Frontend's (``images/favicon.ico``, ``govuk-icon-180.png``, ...), so its
``manifest.json`` and the layout need no change. Run by ``scripts/update_govuk_frontend.sh``:

    python3 scripts/make_hub_icons.py hub/web/static/govuk/images
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

BRAND = (0x00, 0x6D, 0x77)  # the default of HUB_BRAND_COLOUR (config/settings.py)
WHITE = (0xFF, 0xFF, 0xFF)

# The house outline on a 32 x 32 grid, (x, y) points.
HOUSE = [
    (16.0, 5.5),
    (27.0, 15.0),
    (24.0, 15.0),
    (24.0, 26.5),
    (8.0, 26.5),
    (8.0, 15.0),
    (5.0, 15.0),
]
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="6" fill="#006d77"/>'
    '<path fill="#fff" d="M16 5.5 27 15h-3v11.5H8V15H5z"/>'
    '<path fill="#006d77" d="M16 23.5c-3.2-2.3-4.8-3.9-4.8-5.6 0-1.3 1-2.2 2.2-2.2.9 0 1.9.6'
    ' 2.6 1.5.7-.9 1.7-1.5 2.6-1.5 1.2 0 2.2.9 2.2 2.2 0 1.7-1.6 3.3-4.8 5.6z"/>'
    "</svg>\n"
)
# The monochrome mask (Safari's pinned tab): the same house and heart, one colour.
MASK_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<path fill-rule="evenodd" d="M16 5.5 27 15h-3v11.5H8V15H5zm0 18c-3.2-2.3-4.8-3.9-4.8-5.6'
    " 0-1.3 1-2.2 2.2-2.2.9 0 1.9.6 2.6 1.5.7-.9 1.7-1.5 2.6-1.5 1.2 0 2.2.9 2.2 2.2 0 1.7-1.6"
    ' 3.3-4.8 5.6z"/>'
    "</svg>\n"
)


def _inside_polygon(x: float, y: float, points: list[tuple[float, float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _inside_heart(x: float, y: float) -> bool:
    # The classic implicit heart, centred in the door (16, 19.5), about 9.6 units wide.
    u = (x - 16.0) / 4.6
    v = (19.2 - y) / 4.6
    return (u * u + v * v - 1) ** 3 - u * u * v**3 <= 0


def _inside_rounded_square(x: float, y: float, radius: float = 6.0) -> bool:
    cx = min(max(x, radius), 32 - radius)
    cy = min(max(y, radius), 32 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius


def _colour_at(x: float, y: float, rounded: bool) -> tuple[int, int, int, int]:
    if rounded and not _inside_rounded_square(x, y):
        return (0, 0, 0, 0)
    if _inside_polygon(x, y, HOUSE) and not _inside_heart(x, y):
        return (*WHITE, 255)
    return (*BRAND, 255)


def draw(size: int, *, rounded: bool) -> bytes:
    """RGBA pixels of the mark at ``size`` x ``size``, 4 x 4 samples a pixel (smooth edges)."""
    scale = 32.0 / size
    samples = [(i + 0.5) / 4 for i in range(4)]
    pixels = bytearray()
    for row in range(size):
        for column in range(size):
            total = [0, 0, 0, 0]
            for sy in samples:
                for sx in samples:
                    r, g, b, a = _colour_at((column + sx) * scale, (row + sy) * scale, rounded)
                    total = [total[0] + r * a, total[1] + g * a, total[2] + b * a, total[3] + a]
            alpha = total[3]
            if alpha:
                pixels += bytes(round(total[i] / alpha) for i in range(3))
            else:
                pixels += bytes(3)
            pixels.append(round(alpha / 16))
    return bytes(pixels)


def png(size: int, *, rounded: bool) -> bytes:
    """A PNG file of the mark."""
    raw = draw(size, rounded=rounded)
    stride = size * 4
    scanlines = b"".join(b"\x00" + raw[row * stride : (row + 1) * stride] for row in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(scanlines, 9))
        + chunk(b"IEND", b"")
    )


def ico(sizes: tuple[int, ...] = (16, 32, 48)) -> bytes:
    """An ICO file holding PNG images (every browser since 2010 reads them)."""
    images = [png(size, rounded=True) for size in sizes]
    offset = 6 + 16 * len(images)
    directory = b""
    for size, image in zip(sizes, images, strict=True):
        directory += struct.pack(
            "<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(image), offset
        )
        offset += len(image)
    return struct.pack("<HHH", 0, 1, len(images)) + directory + b"".join(images)


def write_icons(folder: Path) -> list[Path]:
    """Write every icon into ``folder`` (GOV.UK Frontend's ``assets/images``)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "favicon.ico": ico(),
        "favicon.svg": SVG.encode(),
        "govuk-icon-mask.svg": MASK_SVG.encode(),
        # Maskable app icons: full bleed, the platform rounds the corners.
        "govuk-icon-180.png": png(180, rounded=False),
        "govuk-icon-192.png": png(192, rounded=False),
        "govuk-icon-512.png": png(512, rounded=False),
    }
    written = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_icons(Path(sys.argv[1])):
        print(path, file=sys.stderr)
