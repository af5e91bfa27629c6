"""The classroom widgets that course notebooks call, one line each."""

from .page import page_header, start_page
from .prompt import prompt
from .worksheet import worksheet

__all__ = ["page_header", "prompt", "start_page", "worksheet"]
