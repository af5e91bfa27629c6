"""The Adaptive Policing interactive curriculum.

Course notebooks call the widgets exported here, one line each::

    from adaptive_policing import page_header, prompt
    page_header("01-introductions")
    prompt("s01-about-you", "Tell the class your name, experience and assignment.")
"""

from .widgets import page_header, prompt, start_page, worksheet

__all__ = ["page_header", "prompt", "start_page", "worksheet"]
__version__ = "0.1.0"
