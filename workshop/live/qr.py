"""QR codes of the join URL, as SVG (``qrcode``'s path image: no Pillow needed)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import qrcode
import qrcode.constants
from flask import current_app, request
from qrcode.image.svg import SvgPathImage

#: Modules of white margin around the code (the standard asks for at least 4).
QUIET_ZONE = 4


def public_url(path: str) -> str:
    """``path`` as an absolute URL: under ``PUBLIC_URL`` if configured (a server behind a proxy),
    else under the URL of the current request."""
    base = current_app.config.get("PUBLIC_URL") or request.url_root
    return base.rstrip("/") + "/" + path.lstrip("/")


def join_url(code: str) -> str:
    """The URL a participant opens for session ``code`` (printed, and encoded in the QR code)."""
    return public_url(f"j/{code}")


def is_local_only(url: str) -> bool:
    """Whether ``url`` names this computer only (localhost, 127.x, ::1): a phone cannot open it.

    The join URL comes from the address the projector page was opened with; a facilitator who
    opened it as ``http://127.0.0.1:5000`` would project a QR code no phone can use."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_qr(data: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=QUIET_ZONE,
        box_size=10,
        image_factory=SvgPathImage,
    )
    qr.add_data(data)
    qr.make(fit=True)
    return qr


def qr_svg(data: str, label: str = "") -> str:
    """A scalable SVG of ``data`` (size it with CSS), dark modules on a white square."""
    image = make_qr(data).make_image()
    svg = image.get_image()
    size = svg.get("viewBox", "").split()[-1]
    for attr in ("width", "height"):
        svg.attrib.pop(attr, None)
    svg.set("class", "qr")
    svg.set("shape-rendering", "crispEdges")
    svg.set("data-qr-data", data)
    if label:
        svg.set("role", "img")
        svg.set("aria-label", label)
    else:
        svg.set("aria-hidden", "true")
    # The tree is lxml's or ElementTree's, whichever qrcode picked: build with its own factory.
    paths = [el for el in svg.iter() if str(el.tag).rsplit("}", 1)[-1] == "path"]
    for path in paths:
        path.set("fill", "#000")
        path.attrib.pop("id", None)  # the page may hold other SVGs
    rect_tag = str(paths[0].tag)[: -len("path")] + "rect"  # same namespace form as the path
    svg.insert(0, svg.makeelement(rect_tag, {"width": size, "height": size, "fill": "#fff"}))
    return image.to_string(encoding="unicode")
