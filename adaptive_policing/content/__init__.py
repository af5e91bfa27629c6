"""The course as data: the plan, prompts, case-study and role-play scenarios, assessment questions and
the learning objectives they measure.

Pure: no widgets and no database (import-linter's ``forbidden`` contract checks it).
"""
