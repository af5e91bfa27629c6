"""Pure functions over plain data: tallies, attendance, agenda timing, case paths, role-play ratings."""
