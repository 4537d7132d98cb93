"""Small readers for page tests: the text of a page, and photos and signatures to send."""

from __future__ import annotations

import html
import re


def text_of(response) -> str:
    """The visible text of a page, tags dropped and whitespace squeezed (for "the page says" checks)."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def jpeg(size: tuple[int, int] = (640, 480)) -> bytes:
    """A small real JPEG photo."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (180, 200, 220))
    ImageDraw.Draw(image).rectangle((100, 100, 300, 300), fill=(200, 60, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def signature_data_url() -> str:
    """A signature-like PNG (black strokes on white) as the data URL a signature pad sends."""
    import base64
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    for offset in (0, 40, 80):
        draw.line([(40 + offset, 150), (120 + offset, 40), (200 + offset, 160), (300 + offset, 50)],
                  fill=(0, 0, 0, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def hidden_fields(form_html: str) -> dict[str, str]:
    """The name -> value pairs of the hidden inputs of a form's HTML."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form_html))
