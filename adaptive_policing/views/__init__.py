"""Rendering: HTML fragments, CSV and JSON exports, PNG charts."""
