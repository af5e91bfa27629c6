"""Grading the Assessment of Learning with nbgrader.

* :mod:`.course` — the nbgrader course root (``grading/``), its configuration and the release;
* :mod:`.submission` — a trainee's answers written as an nbgrader submission;
* :mod:`.checks` — what a submission may contain before it is run;
* :mod:`.execute` — nbgrader's Execute with a time limit per notebook;
* :mod:`.autograde` — one unit of work: autograde one submission and write its feedback;
* :mod:`.pool` — units of work in worker processes, each with a time limit;
* :mod:`.pipeline` — ``adaptive-policing grade``: checks, autograde, feedback, exports, charts;
* :mod:`.feedback` — nbgrader's feedback HTML (the coordinator's) without hidden tests or tracebacks;
* :mod:`.feedback_html` — that feedback for several trainees through one kept converter;
* :mod:`.metadata` — nbgrader's cell-metadata check with its schema compiled once;
* :mod:`.overwrite` — nbgrader's ``OverwriteCells`` with the release's cells read ahead;
* :mod:`.scores` — a notebook's scores saved in one commit and read for feedback in two queries;
* :mod:`.trainee_feedback` — each trainee's own feedback page, from the gradebook and the question bank;
* :mod:`.release` — the release's rubric cell under each written answer, explanations left out;
* :mod:`.formgrader` — how ``adaptive-policing formgrader`` starts nbgrader's formgrader;
* :mod:`.reports` — scores and the item analysis (charts: :mod:`adaptive_policing.views.charts`);
* :mod:`.roster` — the POST roster: course completion, and the assessment apart;
* :mod:`.cli` — the ``release``, ``grade`` and ``report`` commands.
"""
