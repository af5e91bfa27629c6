"""Course sections as projector slides, served by the instructor server with no CDN.

The instructor opens a course page with Voilà's template override,
``/voila/render/course/03-what-is-customer-service.ipynb?template=adaptive-slides&class=K7Q2XM``
(the console links every agenda section that way, see :func:`adaptive_policing.widgets.viewer.slides_link`).
The ``adaptive-slides`` template (``templates/voila/templates/adaptive-slides``)
extends Voilà's ``reveal`` template and loads everything from the serving
machine: Voilà's own bundled reveal.js script, and reveal.js's style sheets
from ``static/reveal/``, which :func:`install_reveal` unpacks there from the npm
package ``reveal.js`` (``make install`` runs it; ``python -m adaptive_policing.serve.slides install``
does it by hand). The version is the one Voilà's bundled script is built from,
so the styles match it.

**How cells become slides.** Course notebooks carry no slide metadata. Unless a
notebook has its own (``metadata.slideshow``), :class:`HeadingSlidesPreprocessor`
starts a new slide at every markdown cell whose first line is a heading of
level 1 to 3 (``#``, ``##``, ``###``) and at every discussion prompt (a code
cell calling ``prompt(...)``, found as the console's catalog finds them), so
each question gets the whole screen for the class's answers; other cells
continue the slide before them. Set-up cells (imports) and the page banner (``page_header(...)``) still
run but are left off the slides. Slides advance with the arrow keys, space
and Page Down.

**Prompts on slides.** The instructor server's kernels are started with
``ADAPTIVE_POLICING_ROLE=instructor``; there ``prompt(...)`` shows the class's live
answers instead of an answer box (see :mod:`adaptive_policing.widgets.console.slide_answers`).
The class is the one named by ``class=<code>`` in the address, else the newest class.

The trainee server refuses template overrides (``VoilaConfiguration.allow_template_override``)
and answers 404 for this template's files.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from nbconvert.preprocessors import Preprocessor

from ..config import SLIDES_TEMPLATE

REVEAL_PACKAGE = "reveal.js"
REVEAL_VERSION = "6.0.1"
"""The reveal.js release Voilà 0.5.13's bundled ``reveal.js`` script is built from."""

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "voila" / "templates" / SLIDES_TEMPLATE
REVEAL_DIR = TEMPLATE_DIR / "static" / "reveal"
#: What the slides need from the npm package (paths inside it); the fonts are inlined in the CSS.
REVEAL_FILES = ("LICENSE", "dist/reveal.css", "dist/theme/white.css")

_SLIDE_HEADING = re.compile(r"^\s*#{1,3}\s+\S")
_OFF_SLIDE_CODE = re.compile(r"^\s*(from\s+\S+\s+import\b|import\s|page_header\()")
_JOIN_SLIDE_CODE = re.compile(r"^\s*start_page\(")  # the start page's join QR code gets a slide of its own


# --- cells to slides -----------------------------------------------------------------


def slide_type_for(cell_type: str, source: str, first: bool) -> str:
    """The reveal.js slide type a cell gets when its notebook has no slide metadata."""
    if cell_type == "code" and _OFF_SLIDE_CODE.match(source):
        return "skip"
    if first or (cell_type == "markdown" and _SLIDE_HEADING.match(source)):
        return "slide"
    if cell_type == "code" and (_has_prompt(source) or _JOIN_SLIDE_CODE.match(source)):
        return "slide"
    return "-"


def _has_prompt(source: str) -> bool:
    from ..content.prompts import prompts_in_source

    return bool(prompts_in_source(source))


def has_slide_metadata(nb: object) -> bool:
    return any("slide_type" in (cell.metadata.get("slideshow") or {}) for cell in nb.cells)  # type: ignore[attr-defined]


class HeadingSlidesPreprocessor(Preprocessor):
    """Give a notebook without slide metadata one slide per heading (see the module docstring)."""

    def preprocess(self, nb, resources):  # type: ignore[no-untyped-def]
        if has_slide_metadata(nb):
            return nb, resources
        shown = 0
        for cell in nb.cells:
            kind = slide_type_for(cell.cell_type, cell.source, first=shown == 0)
            cell.metadata.setdefault("slideshow", {})["slide_type"] = kind
            if kind != "skip":
                shown += 1
        return nb, resources


# --- reveal.js assets ------------------------------------------------------------------


def reveal_installed(target: Path = REVEAL_DIR) -> bool:
    """Whether the reveal.js files the slides need are in place."""
    marker = target / "VERSION"
    return (
        marker.is_file()
        and marker.read_text().strip() == REVEAL_VERSION
        and all((target / name).is_file() for name in REVEAL_FILES)
    )


def install_reveal(target: Path = REVEAL_DIR, *, force: bool = False, npm: str = "npm") -> Path:
    """Unpack reveal.js's style sheets from the npm package into ``target``.

    ``npm pack`` fetches the package tarball from the npm registry (checking its
    integrity) without installing anything; only :data:`REVEAL_FILES` are kept.
    Does nothing when the right version is already there, unless ``force``.
    """
    if reveal_installed(target) and not force:
        return target
    if shutil.which(npm) is None:
        raise RuntimeError(
            f"npm is needed once to fetch {REVEAL_PACKAGE} {REVEAL_VERSION} for the slides; install Node.js/npm."
        )
    with tempfile.TemporaryDirectory(prefix="ap-reveal-") as scratch:
        packed = subprocess.run(
            [npm, "pack", f"{REVEAL_PACKAGE}@{REVEAL_VERSION}", "--json", "--pack-destination", scratch],
            check=True, capture_output=True, text=True, cwd=scratch,
        )
        filename = json.loads(packed.stdout)[0]["filename"]
        staging = Path(scratch) / "staging"
        with tarfile.open(Path(scratch) / filename) as archive:
            for name in REVEAL_FILES:
                member = archive.getmember(f"package/{name}")
                if not member.isfile():
                    raise RuntimeError(f"{name} in the {REVEAL_PACKAGE} package is not a regular file")
                data = archive.extractfile(member)
                assert data is not None
                destination = staging / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(data.read())
        (staging / "VERSION").write_text(REVEAL_VERSION + "\n")
        # Keep the fetched files out of version control: they come from the registry.
        (staging / ".gitignore").write_text("*\n")
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(target))
    return target


def main(argv: list[str] | None = None) -> int:
    """``python -m adaptive_policing.serve.slides install [--force]``: put reveal.js where the server serves it."""
    import argparse

    parser = argparse.ArgumentParser(prog="adaptive_policing.serve.slides", description=main.__doc__)
    parser.add_argument("command", choices=["install", "check"])
    parser.add_argument("--force", action="store_true", help="fetch again even when present")
    args = parser.parse_args(argv)
    if args.command == "check":
        ok = reveal_installed()
        print(f"reveal.js {REVEAL_VERSION} for the slides: {'installed' if ok else 'missing'} ({REVEAL_DIR})")
        return 0 if ok else 1
    try:
        where = install_reveal(force=args.force)
    except (RuntimeError, subprocess.CalledProcessError, KeyError) as problem:
        detail = getattr(problem, "stderr", "") or ""
        print(f"Could not install reveal.js for the slides: {problem} {detail}".strip(), file=sys.stderr)
        return 1
    print(f"reveal.js {REVEAL_VERSION} for the slides is in {where}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
