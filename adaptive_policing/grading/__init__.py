"""Grading the Assessment of Learning with nbgrader.

* :mod:`.course` — the nbgrader course root (``grading/``), its configuration and the release;
* :mod:`.checks` — what a submission may contain before it is run;
* :mod:`.execute` — nbgrader's Execute with a time limit per notebook;
* :mod:`.pipeline` — ``adaptive-policing grade``: autograde, feedback, exports, charts;
* :mod:`.worker` — one autograding process of the pipeline;
* :mod:`.feedback` — feedback HTML without hidden tests or tracebacks;
* :mod:`.reports` — scores, the POST roster and the item analysis;
* :mod:`.charts` — the score distribution and mastery per section as PNG;
* :mod:`.cli` — the ``release``, ``grade`` and ``report`` commands.
"""
