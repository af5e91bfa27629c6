"""Pieces every classroom widget shares: the status line, the store and trainee lookup, text fields.

The save cycle of a saved-answer widget lives in :mod:`.saved`.

A page's weight is its number of widget models: each is a comm the kernel opens,
the server relays and the browser builds. In ipywidgets 8 every visible widget
also makes a ``Layout`` model and most a ``Style`` model of their own, so the
pieces here show their widgets with *shared*, unchangeable ones
(:func:`shared_layout`, :func:`shared_style`), one per distinct look in the
kernel, and give them their CSS classes when they are made (not with a message
after). A widget that is ever hidden or restyled keeps a layout of its own.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import ipywidgets as widgets

from . import viewer
from ..content.limits import MAX_TEXT_CHARS
from ..data.records import Trainee
from ..data.remote import page_store
from ..views.clock import local_time
from ..views.render import render
from .drafts import flush_pending

if TYPE_CHECKING:
    from ..data.store import ResponseStore

log = logging.getLogger(__name__)

NOT_OPENED_MESSAGE = ("Your saved answer could not be read, so this part is off. "
                      "Reload the page: nothing you saved is lost.")
PREVIEW_MESSAGE = "Preview: you are not signed in, so answers here are not saved."
CLOSED_MESSAGE = "This question is closed."
"""Shown when the instructor has closed the prompt; the answer stays in the controls."""
CLOSED_ON_OPEN_MESSAGE = "This question is closed, so Save is off. If the instructor reopens it, reload the page."
"""Shown when a page opens on a discussion prompt the instructor has closed."""


KEEP_CLASS_PREFIX = "ap-keep-"
"""A text box whose class starts with this keeps its unsaved text on the device (``static/drafts.js``)."""
SAVE_CLASS = "ap-save"
"""The class of every Save and Submit button: the page disables them while its connection is lost."""


class SharedLayout(widgets.Layout):
    """A layout many widgets show at once; it cannot be changed (that would change every one of them).

    To hide or resize one widget, give it a ``widgets.Layout`` of its own.
    """

    _frozen = False

    def __init__(self, **traits: Any) -> None:
        super().__init__(**traits)
        self._frozen = True

    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen and name in self.keys and not name.startswith("_"):  # the look, not the comm
            raise AttributeError(f"a shared layout cannot change its {name!r}: give the widget a Layout of its own")
        super().__setattr__(name, value)


_shared: dict[tuple[Any, ...], widgets.Widget] = {}
_shared_lock = threading.RLock()  # a shared model may be made of shared models (the flush button)


def _shared_model(key: tuple[Any, ...], make: Callable[[], widgets.Widget]) -> Any:
    """The kernel's one open model for ``key``, made by ``make`` the first time (or after it was closed)."""
    with _shared_lock:
        model = _shared.get(key)
        if model is None or model.comm is None:  # closed (e.g. by Widget.close_all): make a new one
            model = _shared[key] = make()
        return model


def shared_layout(**traits: str) -> widgets.Layout:
    """The one unchangeable layout with these ``traits`` (e.g. ``width="auto"``) that this kernel's widgets share."""
    return _shared_model(("layout", *sorted(traits.items())), lambda: SharedLayout(**traits))


def shared_style(widget_class: type[widgets.DOMWidget]) -> widgets.Style:
    """The one default style model of ``widget_class``'s kind (``ButtonStyle`` for a button, ...), shared.

    Only for widgets whose style is never changed.
    """
    style_class = widget_class.class_traits()["style"].klass
    return _shared_model(("style", style_class), style_class)


def shared_look(widget_class: type[widgets.DOMWidget], **layout: str) -> dict[str, Any]:
    """``layout=`` and ``style=`` arguments that show a ``widget_class`` with shared models."""
    return {"layout": shared_layout(**layout), "style": shared_style(widget_class)}


def text_hash(text: str) -> str:
    """A short fingerprint of ``text`` that the page's script computes the same way (FNV-1a, 32 bits).

    It runs over UTF-16 code units, as JavaScript strings do, so the page can tell
    whether the text in a box is exactly the text the server confirmed.
    """
    data = text.encode("utf-16-le", "surrogatepass")
    fingerprint = 0x811C9DC5
    for index in range(0, len(data), 2):
        fingerprint ^= data[index] | (data[index + 1] << 8)
        fingerprint = (fingerprint * 0x01000193) & 0xFFFFFFFF
    return f"{fingerprint:08x}"


def field_key(trainee: Trainee, *parts: str) -> str:
    """The device-side name of one of a trainee's text fields: a hash of their page token and the field.

    Never the badge number or the name; the page adds its own path to it.
    """
    return hashlib.sha256("\x1f".join((trainee.token, *parts)).encode()).hexdigest()[:20]


FLUSH_CLASS = "ap-flush"
"""A hidden button the page presses when it is hidden or closed, to keep what was typed at once."""


def flush_button(on_flush: Callable[[], None]) -> widgets.Button:
    """The hidden button that keeps what was typed at once (pressed by ``static/drafts.js``)."""
    button = widgets.Button(description="Keep what is typed", _dom_classes=(FLUSH_CLASS,),
                            **shared_look(widgets.Button, display="none"))
    button.on_click(lambda _button: on_flush())
    return button


def page_flush_button() -> widgets.Button:
    """The kernel's one hidden flush button that keeps every pending draft (:func:`.drafts.flush_pending`).

    Every saved-answer widget shows this same model: pressing any of its copies keeps
    all of the page's drafts, which is what the page asks for when it is hidden or closed.
    """

    return _shared_model(("flush",), lambda: flush_button(flush_pending))


def draft_message(kept_at: datetime, save_name: str) -> str:
    """The status of text kept as a draft: "Draft kept 10:42: not saved yet, press Save answer to save it."."""
    return f"Draft kept {local_time(kept_at)}: not saved yet, press {save_name} to save it."


def keep_on_device(box: widgets.Text | widgets.Textarea, key: str) -> None:
    """Mark ``box`` so the page keeps its unsaved text in the browser under ``key`` and counts characters left."""
    box._dom_classes = (*box._dom_classes, KEEP_CLASS_PREFIX + key, f"ap-max-{MAX_TEXT_CHARS}")  # one message


class StatusLine(widgets.HTML):
    """A one-line message that screen readers announce when it changes (errors at once).

    A "saved" message names, per kept text field, the fingerprint of the exact text
    the server stored, so the page can say "Not saved yet" the moment the text in
    the box differs, and can drop its own copy once the server has it.
    """

    def __init__(self) -> None:
        super().__init__(value="", _dom_classes=("ap-status",), **shared_look(widgets.HTML))
        self.kind = ""
        self.text = ""
        self._shown = 0

    def show(self, text: str, kind: str = "info", *, confirmed: Mapping[str, str] | None = None) -> None:
        """Show ``text``; ``kind`` is info, draft, saved, warning or error.

        ``confirmed`` maps kept fields' keys to the text the server has just stored.
        """
        self.kind, self.text = kind, text
        self._shown += 1
        fingerprints = " ".join(f"{key}:{text_hash(value)}" for key, value in (confirmed or {}).items())
        self.value = render("trainee/status.html.j2", kind=kind, text=text, confirmed=fingerprints, shown=self._shown)


class HeldControls:
    """Controls held off while a pre-warmed page waits for its trainee, so nothing chosen or typed is replaced.

    A pre-warmed page is drawn before anybody asks for it; when its trainee's request arrives,
    each widget puts back what that trainee saved. A choice made or text typed before then
    would be overwritten, so the controls stay off until :meth:`release`. Controls that were
    already off stay off. Outside a waiting pre-warmed kernel nothing is held.
    """

    def __init__(self, controls: Sequence[widgets.DOMWidget]) -> None:
        self.controls: list[widgets.DOMWidget] = []
        if viewer.request_arrived():
            return
        for control in controls:
            if not control.disabled and control not in self.controls:
                control.disabled = True
                self.controls.append(control)

    def release(self) -> None:
        """Turn the held controls back on."""
        for control in self.controls:
            control.disabled = False
        self.controls = []

    def release_once_filled_in(self, fill_in: Callable[[], None], *, what: str, status: StatusLine,
                               save_button: widgets.Button | None) -> None:
        """Fill a widget in for its trainee with ``fill_in``, then turn the held controls back on.

        If that fails (the store cannot be reached), ``status`` says so, Save goes off and the
        held controls stay off: nothing can be saved in the widget. The log gets the details.
        """
        try:
            fill_in()
        except Exception:  # noqa: BLE001 (whatever the store raised, the trainee gets a message, the log the details)
            log.exception("The %s could not open for its trainee", what)
            if save_button is not None:
                save_button.disabled = True
            status.show(NOT_OPENED_MESSAGE, "error")
            return
        self.release()


class Participant:
    """The store and the signed-in trainee a widget works for (None in preview).

    Without a ``trainee``, it is the page's signed-in trainee: looked up at once, or with
    ``identify=False`` when the widget calls :meth:`identify` (once the page's request is known).
    """

    def __init__(self, store: ResponseStore | None, trainee: Trainee | None, *, identify: bool = True) -> None:
        self.trainee = trainee
        self._store = store
        if identify:
            self.identify()

    def identify(self) -> None:
        """Take the page's signed-in trainee, unless the widget was given one."""
        if self.trainee is None:
            self.trainee = viewer.current_trainee()

    @property
    def store(self) -> ResponseStore:
        if self._store is None:
            self._store = page_store()
        return self._store

    @property
    def signed_in(self) -> bool:
        return self.trainee is not None


def text_box(
    label: str, placeholder: str = "", *, lines: int = 1, continuous: bool = False
) -> widgets.Text | widgets.Textarea:
    """A labelled text field that sends its value when the trainee leaves it, or as they type.

    Sending on leaving (not on every keystroke) means a Save or Sign in pressed
    straight after typing, by mouse or by keyboard, always sees the full text.
    A ``continuous`` box sends every change (in order, so a Save still sees the
    full text): answers use it so a draft can be kept while the trainee types.
    """
    if lines == 1:
        return widgets.Text(description=label, placeholder=placeholder, continuous_update=continuous,
                            _dom_classes=("ap-field",), **shared_look(widgets.Text))
    return widgets.Textarea(description=label, placeholder=placeholder, continuous_update=continuous,
                            _dom_classes=("ap-field",),
                            **shared_look(widgets.Textarea, width="100%", height=f"{lines * 1.5}em"))


def fragment(template_name: str, **context: object) -> widgets.HTML:
    """A fixed piece of HTML rendered from a trainee template (``trainee/<name>.html.j2``)."""
    return widgets.HTML(render(f"trainee/{template_name}.html.j2", **context), **shared_look(widgets.HTML))
