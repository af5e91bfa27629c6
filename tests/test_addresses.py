"""Trainees join at an address their phone can reach, by a QR code drawn locally.

The address list never holds a loopback address (Debian maps the host name to
127.0.1.1), ``--public-url`` replaces it, and the QR code drawn on the console and
the join slide encodes exactly the join address with the class code.
"""

from __future__ import annotations

import ipaddress
import re
import socket

import pytest
import segno

from adaptive_policing.views import join

DEBIAN_HOST = {"lo": ["127.0.0.1"], "wlp2s0": ["192.168.1.23"], "enp0s31f6": ["10.20.0.5"],
               "virbr-link": ["169.254.7.7"]}


def test_the_host_name_resolving_to_127_0_1_1_is_never_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "gethostbyname", lambda _name: "127.0.1.1")
    assert join.lan_addresses(DEBIAN_HOST) == ["10.20.0.5", "192.168.1.23"]  # Ethernet and Wi-Fi, both
    assert join.lan_addresses({"lo": ["127.0.0.1"]}) == []  # no network: nothing, rather than a wrong address
    assert join.base_urls(8866, interfaces=DEBIAN_HOST) == ["http://10.20.0.5:8866/", "http://192.168.1.23:8866/"]
    assert join.base_urls(8866, https=True, interfaces=DEBIAN_HOST)[0] == "https://10.20.0.5:8866/"


def test_this_machines_list_holds_no_loopback_address() -> None:
    for address in join.lan_addresses():
        assert not ipaddress.IPv4Address(address).is_loopback


def test_a_public_url_replaces_the_list() -> None:
    assert join.base_urls(8866, public_url="https://training.example.org/class", interfaces=DEBIAN_HOST) == [
        "https://training.example.org/class/"]


def test_the_join_address_fills_in_the_class_code() -> None:
    assert join.join_url("http://10.20.0.5:8866/", "ABC234") == "http://10.20.0.5:8866/?code=ABC234"


def modules_of(svg: str) -> tuple[int, set[tuple[int, int]]]:
    """Read the dark modules back out of the drawn SVG: its size and the (x, y) of each dark module."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))  # type: ignore[union-attr]
    path = re.search(r'<path fill="#000" d="([^"]*)"', svg).group(1)  # type: ignore[union-attr]
    dark = set()
    for x, y, run in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path):
        dark |= {(int(x) + i, int(y)) for i in range(int(run))}
    assert re.sub(r"M(\d+) (\d+)h(\d+)v1h-\3z", "", path) == ""  # nothing else is drawn
    return size, dark


def encoded(url: str, border: int = 4) -> tuple[int, set[tuple[int, int]]]:
    """The modules segno encodes ``url`` into, placed as the drawing places them."""
    matrix = segno.make(url, error=join.QR_ERROR, micro=False).matrix
    return len(matrix) + 2 * border, {(x + border, y + border) for y, row in enumerate(matrix)
                                      for x, dark in enumerate(row) if dark}


def test_the_qr_code_drawn_encodes_exactly_the_join_address() -> None:
    html = join.join_code_html("ABC234", ["http://10.20.0.5:8866/", "http://192.168.1.23:8866/"])
    drawings = re.findall(r"<svg.*?</svg>", html)
    assert len(drawings) == 2
    assert modules_of(drawings[0]) == encoded("http://10.20.0.5:8866/?code=ABC234")
    assert modules_of(drawings[1]) == encoded("http://192.168.1.23:8866/?code=ABC234")
    assert modules_of(drawings[0]) != encoded("http://10.20.0.5:8866/?code=ABC235")
    assert modules_of(drawings[0]) != encoded("http://10.20.0.5:8866/")
    assert 'aria-label="QR code of http://10.20.0.5:8866/?code=ABC234"' in html
    assert "<img" not in html  # drawn inline from a template, no image from elsewhere


def test_the_terminal_qr_code_is_the_same_code_in_block_characters() -> None:
    url = "http://10.20.0.5:8866/?code=ABC234"
    text = join.qr_text(url)
    lines = text.splitlines()
    size = len(segno.make(url, error=join.QR_ERROR, micro=False).matrix)
    assert len(lines) >= (size + 4) // 2 and set("".join(lines)) <= set("█▀▄ ")


class _Exited:
    """A server process that has already stopped (so ``serve`` prints its banner and returns)."""

    pid = 0

    def poll(self) -> int:
        return 1


def _serve(monkeypatch: pytest.MonkeyPatch, tmp_path, *args: str) -> str:  # type: ignore[no-untyped-def]
    """Run ``adaptive-policing serve`` with the servers replaced by stand-ins; its output."""
    import signal

    from click.testing import CliRunner

    from adaptive_policing import cli as cli_module

    monkeypatch.setattr(socket, "gethostbyname", lambda _name: "127.0.1.1")
    monkeypatch.setattr(join, "interface_addresses", lambda: DEBIAN_HOST)
    monkeypatch.setattr(cli_module, "check_ports_free", lambda *_a: None)
    monkeypatch.setattr(cli_module, "start_servers", lambda *_a: [_Exited()])
    monkeypatch.setattr(cli_module, "wait_until_listening", lambda *_a: True)
    monkeypatch.setattr(cli_module, "stop_servers", lambda *_a: None)
    monkeypatch.setattr(signal, "signal", lambda *_a: None)  # the test process keeps its own handlers
    monkeypatch.delenv("ADAPTIVE_POLICING_JOIN_URLS", raising=False)
    env = {"ADAPTIVE_POLICING_VAR": str(tmp_path), "ADAPTIVE_POLICING_INSTRUCTOR_KEY": "banner-key",
           "ADAPTIVE_POLICING_DB_URL": f"sqlite:///{tmp_path / 'responses.sqlite3'}", "COLUMNS": "200"}
    return CliRunner().invoke(cli_module.cli, ["serve", *args], env=env).output


def test_serve_lists_every_network_address_with_the_code_and_a_qr_code(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    output = _serve(monkeypatch, tmp_path)
    code = re.search(r"\?code=([A-Z0-9]{6})", output).group(1)  # type: ignore[union-attr]
    assert f"http://10.20.0.5:8866/?code={code}" in output and f"http://192.168.1.23:8866/?code={code}" in output
    assert "127.0.1.1" not in output and "127.0.0.1" not in output
    assert "█" in output and "Trainees scan this to join" in output
    assert os.environ["ADAPTIVE_POLICING_JOIN_URLS"] == "http://10.20.0.5:8866/ http://192.168.1.23:8866/"


def test_serve_with_a_public_url_shows_only_that_address(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    output = _serve(monkeypatch, tmp_path, "--public-url", "https://training.example.org/")
    assert "https://training.example.org/?code=" in output and "10.20.0.5:8866" not in output
