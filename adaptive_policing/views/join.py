"""Where trainees join: the laptop's network addresses, the join address with the class code, its QR code.

The trainee server listens on every interface; a phone in the classroom can
reach it only at one of the laptop's network addresses, never at ``127.x``
(Debian and Ubuntu map the host name to ``127.0.1.1``, so
``gethostbyname(gethostname())`` is no help). :func:`lan_addresses` lists
every non-loopback, non-link-local IPv4 address of every interface that is up,
from the operating system's own interface table (no network traffic).
``--public-url`` replaces the list for a laptop behind a name or a proxy.

The QR code is made here by ``segno`` and drawn as one SVG path from its module
matrix (inline, from a template: no ``<img>``, no markup from outside a template),
and as text for the terminal. No network.
"""

from __future__ import annotations

import io
import ipaddress
import os
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence
from urllib.parse import urlencode

import segno
from markupsafe import Markup

from .. import config
from .render import render

if TYPE_CHECKING:
    from ..data.store import SignInRequest

QR_ERROR = "m"
"""Error correction level: medium, readable from the back of a classroom on a projector."""


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def interface_addresses() -> dict[str, list[str]]:
    """Every IPv4 address of every interface that is up, by interface name (from the OS, no traffic)."""
    import psutil

    stats = psutil.net_if_stats()
    return {
        name: [entry.address for entry in entries if entry.family == socket.AF_INET]
        for name, entries in psutil.net_if_addrs().items()
        if name not in stats or stats[name].isup
    }


def lan_addresses(interfaces: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """The laptop's IPv4 addresses a trainee's device can reach: never loopback (``127.x``) or link-local.

    ``interfaces`` (name → addresses) defaults to :func:`interface_addresses`. The host
    name's own address is added when it is usable (on Debian it is ``127.0.1.1``, and left out).
    """
    found = interfaces if interfaces is not None else interface_addresses()
    addresses = [address for name in sorted(found) for address in found[name]]
    try:
        addresses.append(socket.gethostbyname(socket.gethostname()))
    except OSError:
        pass
    return list(dict.fromkeys(address for address in addresses if _usable(address)))


def base_urls(port: int, *, public_url: str | None = None, https: bool = False,
              interfaces: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """The trainee server's addresses to show: ``public_url`` alone when given, else one per network address."""
    if public_url:
        return [public_url.rstrip("/") + "/"]
    scheme = "https" if https else "http"
    return [f"{scheme}://{address}:{port}/" for address in lan_addresses(interfaces)]


def join_url(base_url: str, class_code: str) -> str:
    """The address a trainee opens to join ``class_code``: the start page with the code filled in."""
    return f"{base_url.rstrip('/')}/?{urlencode({'code': class_code})}"


def announced_base_urls() -> list[str]:
    """The trainee addresses ``serve`` announced (for the console), else the network addresses on the default port."""
    announced = os.environ.get(config.JOIN_URLS_ENV, "").split()
    return announced or base_urls(config.DEFAULT_TRAINEE_PORT)


def qr_code(url: str) -> segno.QRCode:
    """The QR code of ``url`` (byte mode, medium error correction, never a micro code)."""
    return segno.make(url, error=QR_ERROR, micro=False)


@dataclass(frozen=True)
class QRDrawing:
    """A QR code as one SVG path: ``size`` modules square (border included), ``path`` the dark modules."""

    size: int
    path: str


def qr_drawing(url: str, border: int = 4) -> QRDrawing:
    """The QR code of ``url`` as an SVG path: one ``M x y h n v1 h-n z`` rectangle per run of dark modules."""
    matrix = qr_code(url).matrix
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start + border} {y + border}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return QRDrawing(len(matrix) + 2 * border, "".join(runs))


def qr_text(url: str) -> str:
    """The QR code of ``url`` drawn with block characters, to print in a terminal."""
    out = io.StringIO()
    qr_code(url).terminal(out=out, compact=True, border=2)
    return out.getvalue()


@dataclass(frozen=True)
class JoinAddress:
    """One address trainees can join at, and its QR code."""

    url: str
    qr: QRDrawing


def join_code_html(class_code: str, bases: Sequence[str], *, closed_reason: str = "", slide_href: str = "") -> Markup:
    """The class's join addresses (with the code filled in), each with its QR code (and a link to the join slide)."""
    joins = [JoinAddress(join_url(base, class_code), qr_drawing(join_url(base, class_code))) for base in bases]
    return render("join_code.html.j2", code=class_code, joins=joins, closed_reason=closed_reason,
                  slide_href=slide_href)


def sign_in_request_html(request: SignInRequest) -> Markup:
    """One sign-in request as the console shows it (every typed name escaped)."""
    return render("sign_in_request.html.j2", request=request)
