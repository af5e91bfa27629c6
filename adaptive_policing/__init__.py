"""The Adaptive Policing interactive curriculum.

Course notebooks call the widgets exported here, one line each::

    from adaptive_policing import page_header, prompt
    page_header("01-introductions")
    prompt("s01-about-you", "Tell the class your name, experience and assignment.")
"""

from .case_studies import case_study
from .role_plays import role_play
from .widgets import page_header, prompt, start_page, worksheet

__all__ = ["case_study", "page_header", "prompt", "role_play", "start_page", "worksheet"]
__version__ = "0.1.0"
