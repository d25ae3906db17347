"""Avatars: uploads checked and re-encoded with Pillow, and the initials avatar every member has by default."""

import hashlib
import io
import warnings

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from community.errors import ActionRefused

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000  # 5000 × 5000; larger images cost memory and time to decode, for a 256 px result
AVATAR_SIZE = 256
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}

NOT_AN_IMAGE = _l("This file is not a PNG, JPEG or WebP image.")
TOO_BIG = _l("The image is larger than 2 MB. Please choose a smaller one.")
TOO_MANY_PIXELS = _l("The image is too large (more than 5000 × 5000 pixels). Please choose a smaller one.")

# Dark enough for white initials to meet WCAG AA contrast.
PALETTE = ("#0a3d91", "#7a1f5c", "#1b5e20", "#8a3b00", "#4a148c", "#00545c", "#6d4c00", "#b00020")


def process_upload(data: bytes) -> bytes:
    """Check an uploaded image by its content and return it as a square WebP of AVATAR_SIZE px.

    Only PNG, JPEG and WebP up to 2 MB are accepted, whatever the file name or declared type says.
    The result is decoded pixels encoded afresh, so EXIF, GPS and other metadata never survive.
    Raises ActionRefused (field "avatar") with the reason.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise ActionRefused(TOO_BIG, field="avatar")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise ActionRefused(NOT_AN_IMAGE, field="avatar")
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ActionRefused(TOO_MANY_PIXELS, field="avatar")
            image.load()
            image = ImageOps.exif_transpose(image)  # phones store "rotate me" in EXIF, which is dropped
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ActionRefused(TOO_MANY_PIXELS, field="avatar") from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ActionRefused(NOT_AN_IMAGE, field="avatar") from error
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
    square = ImageOps.fit(image, (AVATAR_SIZE, AVATAR_SIZE), method=Image.Resampling.LANCZOS)
    output = io.BytesIO()
    square.save(output, format="WEBP", quality=85, method=4)
    return output.getvalue()


def avatar_key(image: bytes) -> str:
    return hashlib.sha256(image).hexdigest()[:16]


def initials(name: str) -> str:
    """Up to two letters: the first of the first and of the last word of the name."""
    words = [word for word in str(name).split() if word[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def initials_colour(user_id: int) -> str:
    return PALETTE[user_id % len(PALETTE)]
