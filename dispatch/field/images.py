"""Pillow work for the field capability: checking uploads, cleaning photos, reading signature PNGs.

No database here. Uploads are opened only with the decoders of the formats we accept, so other
formats never reach a parser; pixel counts are bounded before anything is decoded; JPEGs are decoded
at a reduced DCT scale (``draft``) wherever the result still fills most of the size bound.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import struct
from dataclasses import dataclass

from flask_babel import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from dispatch.errors import Invalid, TooLarge, UnsupportedMedia

# Pillow names: MPO is a JPEG with extra frames (many phone cameras write it).
CONTENT_TYPES = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
SUFFIXES = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp"}
OPENERS = ("JPEG", "PNG", "WEBP")  # the JPEG opener also yields MPO
JPEG_FAMILY = ("JPEG", "MPO")
MAX_PHOTO_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 60_000_000
LONG_EDGE = 2048
THUMBNAIL_EDGE = 320
JPEG_QUALITY = 85
# A JPEG may be decoded at 1/2, 1/4 or 1/8 scale as long as the long edge stays at least 75% of the
# bound: a 12 MP photo is then decoded at 3 MP (2000x1500) instead of being decoded whole and shrunk.
DRAFT_FLOOR = 0.75
SWAPPING_ORIENTATIONS = frozenset({5, 6, 7, 8})
MAX_SIGNATURE_BYTES = 1024 * 1024
MAX_SIGNATURE_SIDE = 4000
MIN_INK_PIXELS = 150
INK_CONTRAST = 64  # grey levels a pixel must differ from the background to count as ink
PNG_DATA_URL = "data:image/png;base64,"
# What Pillow's decoders raise for damaged or hostile files.
DAMAGED = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, KeyError, TypeError,
           ZeroDivisionError)
BOMBS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


class ImageRejected(Exception):
    """A stored original that cannot be turned into a clean photo."""


@dataclass(frozen=True)
class UploadCheck:
    """What an accepted upload is, and the size its cleaned copy will have."""

    format: str
    content_type: str
    suffix: str
    width: int
    height: int


@dataclass(frozen=True)
class Rendered:
    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int


def bounded(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """``size`` scaled down (never up) so that its long side is at most ``edge``."""
    width, height = size
    if max(width, height) <= edge:
        return width, height
    scale = edge / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(ExifTags.Base.Orientation, 1))
    except DAMAGED:
        return 1


def _draft_and_plan(image: Image.Image) -> tuple[int, int]:
    """Set a JPEG's reduced decoding scale; the size of the cleaned copy, upright."""
    if image.format in JPEG_FAMILY:
        target = bounded(image.size, LONG_EDGE)
        image.draft(None, (math.ceil(target[0] * DRAFT_FLOOR), math.ceil(target[1] * DRAFT_FLOOR)))
    width, height = bounded(image.size, LONG_EDGE)
    return (height, width) if _orientation(image) in SWAPPING_ORIENTATIONS else (width, height)


def _check_pixels(size: tuple[int, int]) -> None:
    if size[0] * size[1] > MAX_PIXELS:
        raise _too_many_pixels()


def _too_many_pixels() -> Invalid:
    return Invalid(_("The image has too many pixels."),
                   errors={"file": [_("At most %(mp)s megapixels.", mp=MAX_PIXELS // 1_000_000)]})


def check_upload(data: bytes) -> UploadCheck:
    """Accept a JPEG, PNG or WebP that decodes completely: 413 too big, 415 other type, 422 damaged."""
    if not data:
        raise Invalid(_("The file is empty."), errors={"file": [_("The file is empty.")]})
    if len(data) > MAX_PHOTO_BYTES:
        raise TooLarge(_("A photo may be at most %(mb)s MB.", mb=MAX_PHOTO_BYTES // (1024 * 1024)))
    try:
        with Image.open(io.BytesIO(data), formats=OPENERS) as image:
            kind = image.format or ""
            _check_pixels(image.size)
            width, height = _draft_and_plan(image)
        _check_decodes(data)
    except UnidentifiedImageError as error:
        raise UnsupportedMedia(_("Send a JPEG, PNG or WebP image."), code="unsupported_image") from error
    except BOMBS as error:
        raise _too_many_pixels() from error
    except DAMAGED as error:
        raise Invalid(_("The image is damaged or incomplete."),
                      errors={"file": [_("The image is damaged or incomplete.")]}) from error
    return UploadCheck(kind, CONTENT_TYPES[kind], SUFFIXES[kind], width, height)


def _check_decodes(data: bytes) -> None:
    """Read the whole file once, as cheaply as the format allows; damaged data raises."""
    with Image.open(io.BytesIO(data), formats=OPENERS) as image:
        if image.format in JPEG_FAMILY:
            # 1/8 scale, grey: every entropy-coded byte is still read, so truncation shows.
            image.draft("L", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
        elif image.format == "PNG":
            image.verify()  # every chunk's CRC up to IEND, without inflating the pixels
        else:
            image.load()


def render(data: bytes) -> Rendered:
    """A cleaned copy of a stored original: upright, RGB, no metadata, long edge bounded; and a thumbnail."""
    try:
        with Image.open(io.BytesIO(data), formats=OPENERS) as image:
            _check_pixels(image.size)
            icc = image.info.get("icc_profile")
            keep_icc = isinstance(icc, bytes) and icc[16:20] == b"RGB " and image.mode in ("RGB", "RGBA", "P")
            planned = _draft_and_plan(image)
            ImageOps.exif_transpose(image, in_place=True)
            picture = _to_rgb(image)
            if picture.size != planned:
                picture = picture.resize(planned, Image.Resampling.LANCZOS, reducing_gap=2.0)
            picture.info = {}  # nothing of the original's metadata (EXIF, GPS, XMP, comments) travels on
            thumbnail = picture.resize(bounded(picture.size, THUMBNAIL_EDGE), Image.Resampling.LANCZOS,
                                       reducing_gap=2.0)
            extra = {"icc_profile": icc} if keep_icc else {}
            return Rendered(_jpeg(picture, **extra), _jpeg(thumbnail, **extra), picture.width, picture.height)
    except (UnidentifiedImageError, Invalid, *BOMBS, *DAMAGED) as error:
        raise ImageRejected(str(error)) from error


def _jpeg(image: Image.Image, **extra: bytes) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True, **extra)
    return out.getvalue()


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB pixels; transparency is laid on white (as a viewer would show it)."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if image.mode.startswith("I") or image.mode == "F":  # 16-bit or float grey: scale, do not clip
        low, high = image.getextrema()
        span = (high - low) or 1
        image = image.convert("F").point(lambda value: (value - low) * 255.0 / span).convert("L")
    return image.convert("RGB")


def signature_png(data_url: str) -> bytes:
    """The PNG of a ``data:image/png;base64,`` URL, checked: real PNG, bounded, with enough ink (else 422)."""
    if data_url[: len(PNG_DATA_URL)].lower() != PNG_DATA_URL:
        raise Invalid(_("The signature image is not a PNG data URL."),
                      errors={"image": [_("Must start with data:image/png;base64,")]})
    try:
        png = base64.b64decode(data_url[len(PNG_DATA_URL):], validate=True)
    except (binascii.Error, ValueError) as error:
        raise Invalid(_("The signature image is not valid base64."),
                      errors={"image": [_("Not valid base64.")]}) from error
    if len(png) > MAX_SIGNATURE_BYTES:
        raise Invalid(_("The signature image is too large."), errors={"image": [_("At most 1 MB.")]})
    try:
        with Image.open(io.BytesIO(png), formats=("PNG",)) as image:
            if max(image.size) > MAX_SIGNATURE_SIDE:
                limit = _("At most %(px)s pixels wide and high.", px=MAX_SIGNATURE_SIDE)
                raise Invalid(_("The signature image is too large."), errors={"image": [limit]})
            image.load()
            ink = ink_pixels(image)
    except (UnidentifiedImageError, *BOMBS, *DAMAGED) as error:
        raise Invalid(_("The signature image is not a readable PNG."),
                      errors={"image": [_("Not a readable PNG image.")]}) from error
    if ink < MIN_INK_PIXELS:
        raise Invalid(_("The signature is too short."), errors={"image": [_("The signature is too short.")]})
    return png


def ink_pixels(image: Image.Image) -> int:
    """How many pixels stand out from the background (the commonest grey level, on white)."""
    rgba = image.convert("RGBA")
    flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat.alpha_composite(rgba)
    histogram = flat.convert("L").histogram()
    background = max(range(256), key=histogram.__getitem__)
    return sum(count for level, count in enumerate(histogram) if abs(level - background) > INK_CONTRAST)
