"""Images (JPEG, PNG, WebP) through Pillow: only the EXIF GPS position (where the photo was taken); the
pixels are never decoded."""

from __future__ import annotations

from checks.attachments.extract import Extracted, Limits

FORMAT = "图片"
GPS_IFD = 0x8825


def encrypted(exc: BaseException) -> bool:
    return False


def _degrees(value: object) -> float | None:
    try:
        d, m, s = (float(x) for x in value)  # type: ignore[union-attr]
    except (TypeError, ValueError, ZeroDivisionError):
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, ZeroDivisionError):
            return None
    return d + m / 60 + s / 3600


def read(raw: bytes, out: Extracted, limits: Limits, deadline: float) -> None:
    import io

    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # the pixels are never decoded: a huge picture is no bomb here
    with Image.open(io.BytesIO(raw)) as image:
        gps = image.getexif().get_ifd(GPS_IFD)
    if not gps:
        return
    lat, lon = _degrees(gps.get(2)), _degrees(gps.get(4))
    if lat is None or lon is None or (lat == 0 and lon == 0) or not (lat <= 90 and lon <= 180):
        return
    if str(gps.get(1, "N")).strip().upper().startswith("S"):
        lat = -lat
    if str(gps.get(3, "E")).strip().upper().startswith("W"):
        lon = -lon
    out.gps = (round(lat, 6), round(lon, 6))
