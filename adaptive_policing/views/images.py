"""Charts as images that need no request: PNG bytes inlined as a data URL, with a text alternative."""

from __future__ import annotations

import base64

from markupsafe import Markup

from .render import render


def png_img(png: bytes, alt: str) -> Markup:
    """A PNG as an ``<img class="ap-chart">`` whose source is a data URL; ``alt`` is escaped."""
    return render("png_img.html.j2", data=base64.b64encode(png).decode("ascii"), alt=alt)
