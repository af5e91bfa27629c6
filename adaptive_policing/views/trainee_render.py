"""HTML for the trainee widgets, rendered from Jinja2 templates with autoescape on.

Every fragment a trainee page shows comes from a template under
``views/templates/trainee/``; trainee text reaches the page only as an
autoescaped template variable, and a missing variable is an error
(``StrictUndefined``), never a silently empty string.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("adaptive_policing", "views/templates"),
        autoescape=select_autoescape(["html", "j2", "html.j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template_name: str, **context: object) -> str:
    """Render ``template_name`` (e.g. ``"trainee/status.html.j2"``) with ``context``, escaped."""
    return _environment().get_template(template_name).render(**context)
