"""The one place HTML is made: Jinja2 templates with autoescape, and the course's static CSS.

Every HTML fragment the package shows comes from a template in
``adaptive_policing/views/templates/`` (``<name>.html.j2``), rendered by the
single :data:`environment` here:

* **autoescape is on** for every template, so any value put into a template
  with ``{{ value }}`` is escaped; trainee text can only reach a page that way;
* **undefined names fail** (``StrictUndefined``): a typo in a template raises
  instead of printing nothing;
* whitespace after a block tag is trimmed (``trim_blocks``, ``lstrip_blocks``),
  so a template can be laid out on several lines; a line that ends in the
  empty comment ``{# -#}`` runs on into the next with no space between.

The API is three functions:

:func:`render` ``(template_name, **context)``
    One template rendered with its context. The result is a
    :class:`markupsafe.Markup`, i.e. a ``str`` that another template will not
    escape a second time: pass a rendered fragment into a template as a variable
    to nest it. Never wrap text that did not come from a template in ``Markup``.
:func:`stylesheet` ``(*names)``
    A ``<style>`` block with the named files of ``views/static/`` inlined
    (ipywidgets' HTML widgets show fragments, so a page cannot link a sheet).
    Templates can call it too: ``{{ stylesheet("results.css") }}``.
:func:`template_names`
    Every template, for tests that render them all.

Filters available in templates: ``clock`` (a saved time as the classroom clock
shows it, ``10:42``). Each template starts with a ``{# ... #}`` comment listing
the context it expects.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .clock import local_time

TEMPLATE_SUFFIX = ".html.j2"
"""Every template's name ends with this."""

environment = Environment(
    loader=PackageLoader("adaptive_policing.views", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html.j2", "html"), default_for_string=True, default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
    # Templates compiled once are kept for every later process (Jinja2's folder for this user, mode 0700;
    # a changed template is compiled again): each page's kernel would otherwise compile a dozen of them.
    bytecode_cache=FileSystemBytecodeCache(),
)
"""The package's only Jinja2 environment."""


@lru_cache(maxsize=None)
def _static_text(name: str) -> str:
    text = resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")
    if "</" in text:  # a sheet must not be able to close its <style> element
        raise ValueError(f"static/{name} contains '</', which would end its style element early")
    return text


def stylesheet(*names: str) -> Markup:
    """A ``<style>`` block holding the named CSS files of ``views/static/``, in order."""
    css = Markup("\n".join(_static_text(name).strip() for name in names))  # the package's own files, never user text
    return render("style.html.j2", css=css)


def render(template_name: str, **context: Any) -> Markup:
    """``template_name`` (e.g. ``"bars.html.j2"``) rendered with ``context``; every value is autoescaped."""
    return Markup(environment.get_template(template_name).render(**context))


def template_names() -> list[str]:
    """The names of every template in ``views/templates/``."""
    return sorted(name for name in environment.list_templates() if name.endswith(TEMPLATE_SUFFIX))


environment.filters["clock"] = local_time
environment.globals["stylesheet"] = stylesheet
