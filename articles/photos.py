"""Photos from phones and cameras: what is accepted, and the renditions readers get.

An upload is judged by its content, never its name: Pillow must recognise it as
JPEG, PNG or WebP, its header must declare a sane number of pixels (checked
before anything is decoded: a small file can declare 100 megapixels), and it
must decode to the end (a truncated or corrupt file is refused).

Readers only ever get renditions: re-encoded at a few widths in WebP and JPEG,
turned upright by the EXIF orientation, converted to sRGB, and without any
metadata (no GPS position, no camera serial number). The photographer's file
itself is kept in private storage (see ``ktnews.storage.PrivateFileSystemStorage``),
never served.

Making the renditions of a 12-megapixel JPEG takes about half a second on a
2-core machine (the JPEG decoder is asked for a reduced size at once), so they
are made during the upload rather than by a background worker.
"""

import secrets
import warnings
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

#: Pillow's format name → the extension stored files get.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
RENDITION_WIDTHS = (480, 960, 1600)
MAX_RENDITION_HEIGHT = 16_383  # WebP's limit
RENDITION_FORMATS = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}
#: What a web page could be taken for: SVG and HTML are refused with their own message.
MARKUP_STARTS = (b"<", b"\xef\xbb\xbf<")
EXIF_ORIENTATION = 0x0112
EXIF_DATE_TAKEN = 0x9003  # DateTimeOriginal, in the Exif sub-IFD
EXIF_IFD = 0x8769

SRGB = ImageCms.createProfile("sRGB")


@dataclass
class Upload:
    """What the checks learned about an accepted upload."""

    format: str
    width: int
    height: int


def check_upload(file) -> Upload | None:
    """Refuse anything but a sound JPEG, PNG or WebP photo within the size and pixel limits.

    Raises ValidationError with a message for the editor, in their language. A file already stored was checked
    when it came (None): an edit of the caption neither reads the original again nor leaves it open.
    """
    if getattr(file, "_committed", False):
        return None
    limit = settings.PHOTO_MAX_UPLOAD_BYTES
    if file.size > limit:
        raise ValidationError(
            _("This file is %(size)s; a photo can be at most %(limit)s."),
            code="too_big",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    file.seek(0)
    if file.read(64).lstrip().startswith(MARKUP_STARTS):
        raise ValidationError(
            _("This is an SVG drawing or a web page, not a photo. Upload a JPEG, PNG or WebP file."), code="markup"
        )
    try:
        with _open(file) as image:
            upload = Upload(format=image.format, width=image.width, height=image.height)
            pixels = image.width * image.height
            if pixels > settings.PHOTO_MAX_PIXELS:
                raise ValidationError(
                    _("This photo is %(width)d by %(height)d pixels; photos can have at most %(limit)d megapixels."),
                    code="too_many_pixels",
                    params={"width": image.width, "height": image.height,
                            "limit": settings.PHOTO_MAX_PIXELS // 1_000_000},
                )  # fmt: skip
            shown = (image.height, image.width) if image.getexif().get(EXIF_ORIENTATION) in {5, 6, 7, 8} else image.size
            if _rendition_widths(*shown) == []:
                raise ValidationError(
                    _("This image is too tall and narrow to be shown as a photo (%(width)d by %(height)d pixels)."),
                    code="too_tall",
                    params={"width": image.width, "height": image.height},
                )
            _decode_for_renditions(image)
    except UnidentifiedImageError:
        raise ValidationError(
            _("This file is not a JPEG, PNG or WebP photo. Other formats (HEIC, GIF, SVG, PDF…) are not accepted."),
            code="not_a_photo",
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise ValidationError(
            _("This photo is damaged or incomplete and cannot be read. Try exporting or uploading it again."),
            code="damaged",
        ) from None
    finally:
        file.seek(0)
    return upload


def _open(file) -> Image.Image:
    # The pixel limit is checked against the header right after this; Pillow's own bomb check would only warn.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(file, formats=list(ACCEPTED_FORMATS))


def _decode_for_renditions(image: Image.Image) -> Image.Image:
    """Decode the whole file (a truncated one fails here), at no more than the largest rendition needs."""
    if image.format == "JPEG":
        largest = max(RENDITION_WIDTHS)
        image.draft("RGB", (largest, largest))
    image.load()
    return image


@dataclass
class Rendition:
    width: int
    height: int
    format: str  # "webp" or "jpg"
    name: str  # in the default (public) storage

    def as_dict(self) -> dict:
        return {"width": self.width, "height": self.height, "format": self.format, "name": self.name}


def original_name(upload: Upload) -> str:
    """A fresh, safe name for the photographer's file: nothing of the name it was uploaded with."""
    return f"{timezone.now():%Y/%m}/{secrets.token_hex(12)}.{ACCEPTED_FORMATS[upload.format]}"


def make_renditions(file, storage) -> tuple[list[Rendition], dict]:
    """Write the renditions of the photo in ``file`` to ``storage``; returns them and what the camera said.

    Each width exists only up to the photo's own width: nothing is enlarged.
    """
    file.seek(0)
    with _open(file) as opened:
        camera = _camera_facts(opened)
        image = _upright_srgb(_decode_for_renditions(opened))
    stem = f"photos/{timezone.now():%Y/%m}/{secrets.token_hex(12)}"
    renditions = []
    source = image
    for width in sorted(_rendition_widths(image.width, image.height), reverse=True):
        # Each size from the one above it: quicker, and as sharp.
        resized = source.resize((width, max(1, round(source.height * width / source.width))), Image.Resampling.LANCZOS)
        for extension, (pillow_format, options) in RENDITION_FORMATS.items():
            encoded = BytesIO()
            _without_alpha(resized, pillow_format).save(encoded, pillow_format, **options)
            name = storage.save(f"{stem}-{width}.{extension}", ContentFile(encoded.getvalue()))
            renditions.append(Rendition(width, resized.height, extension, name))
        source = resized
    return sorted(renditions, key=lambda rendition: (rendition.format, rendition.width)), camera


def _rendition_widths(width: int, height: int) -> list[int]:
    """The widths made for a photo: never wider than it is, never taller than WebP can hold."""
    wanted = {size for size in RENDITION_WIDTHS if size < width} | {min(width, max(RENDITION_WIDTHS))}
    return sorted(size for size in wanted if round(height * size / width) <= MAX_RENDITION_HEIGHT)


def _camera_facts(image: Image.Image) -> dict:
    """The date the photo was taken, if the camera wrote it (the only thing kept from the metadata)."""
    try:
        taken = image.getexif().get_ifd(EXIF_IFD).get(EXIF_DATE_TAKEN)
        return {"taken_on": datetime.strptime(taken.strip("\x00 ")[:10], "%Y:%m:%d").date()} if taken else {}
    except (ValueError, TypeError, AttributeError):
        return {}


def _upright_srgb(image: Image.Image) -> Image.Image:
    """Turned as the camera was held, in sRGB, and with no metadata left to carry along."""
    upright = ImageOps.exif_transpose(image)
    profile = image.info.get("icc_profile")
    mode = "RGBA" if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info else "RGB"
    if profile:
        try:
            upright = ImageCms.profileToProfile(
                upright, ImageCms.ImageCmsProfile(BytesIO(profile)), SRGB, outputMode=mode
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            upright = upright.convert(mode)
    else:
        upright = upright.convert(mode)
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)  # a new image carries none of the old one's info (EXIF, XMP, ICC, comments)
    return clean


def _without_alpha(image: Image.Image, pillow_format: str) -> Image.Image:
    """JPEG has no transparency: transparent parts become white, as on the page."""
    if pillow_format != "JPEG" or image.mode != "RGBA":
        return image
    flat = Image.new("RGB", image.size, "white")
    flat.paste(image, mask=image.getchannel("A"))
    return flat
