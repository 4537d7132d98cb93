"""The company logo: a PNG or JPEG upload checked with Pillow and normalised to a small PNG.

No database here. Only the PNG and JPEG decoders ever see the upload; the pixel count is checked from
the header before anything is decoded (a 2 MB file can claim gigapixels), and Pillow's own
decompression-bomb warning is turned into a refusal rather than a log line.
"""

from __future__ import annotations

import io
import struct
import warnings

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from dispatch.errors import Invalid, TooLarge, UnsupportedMedia

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 25_000_000  # 5000 x 5000: far beyond any logo, far below what hurts a worker
BOX = (600, 200)  # what documents have room for
FORMATS = ("PNG", "JPEG")
DAMAGED = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, KeyError, TypeError,
           ZeroDivisionError)
BOMBS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


def _too_many_pixels() -> Invalid:
    return Invalid(_("The logo has too many pixels."), errors={"file": [
        _("The image is too large in pixels; a logo needs at most %(width)s x %(height)s.",
          width=BOX[0], height=BOX[1])]})


def normalised_logo(data: bytes) -> bytes:
    """The upload as a PNG within 600 x 200 pixels: 413 over 2 MB, 415 not PNG/JPEG, 422 damaged or a bomb."""
    if not data:
        raise Invalid(_("The file is empty."), errors={"file": [_("Choose a PNG or JPEG file.")]})
    if len(data) > MAX_LOGO_BYTES:
        raise TooLarge(_("The logo may be at most 2 MB."), errors={"file": [_("The logo may be at most 2 MB.")]})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                if image.width * image.height > MAX_LOGO_PIXELS:
                    raise _too_many_pixels()
                image.verify()  # structure and checksums, before any pixel is inflated
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                image.draft("RGB", (BOX[0] * 2, BOX[1] * 2))  # JPEG: decode at a reduced scale
                ImageOps.exif_transpose(image, in_place=True)
                picture = image.convert("RGBA")
    except UnidentifiedImageError as error:
        raise UnsupportedMedia(_("The logo must be a PNG or JPEG image."), code="unsupported_image",
                               errors={"file": [_("The logo must be a PNG or JPEG image.")]}) from error
    except BOMBS as error:
        raise _too_many_pixels() from error
    except DAMAGED as error:
        raise Invalid(_("The image is damaged or incomplete."),
                      errors={"file": [_("The image is damaged or incomplete.")]}) from error
    picture.thumbnail(BOX, Image.Resampling.LANCZOS)
    picture.info = {}  # no metadata travels on
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    return out.getvalue()
