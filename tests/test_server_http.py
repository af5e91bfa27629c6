"""The trainee server over HTTP: what it serves, and everything it refuses."""

from __future__ import annotations

import http.client
import json
import os
import shutil
from dataclasses import replace
from typing import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import psutil
import pytest

from adaptive_policing.content.limits import MAX_TEXT_CHARS
from adaptive_policing.data.records import AnswerTooLong
from adaptive_policing.data.remote import FAILED_MESSAGE, RemoteStore, StoreUnreachable
from adaptive_policing.serve.server import CONFIG_FILE, KernelCulling, file_config, runtime_config

from .conftest import REPO, LiveServer, kernels_store_secret, post_store_call, start_server, stop_process_tree

pytestmark = pytest.mark.server

SECRET = "FACILITATOR-ONLY-7d1f"


@pytest.fixture(scope="module")
def planted_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A trainee server over a copy of the course with traps planted in ``course/``."""
    home = tmp_path_factory.mktemp("home")
    for folder in ("course", "exercises", "solutions"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, home / folder)
    (home / "exercises").mkdir(exist_ok=True)
    (home / "grading").mkdir()
    (home / "grading" / "nbgrader_config.py").write_text(f"# {SECRET}\n")
    (home / "solutions" / "secret.ipynb").write_text(
        (REPO / "solutions" / "instructor-console.ipynb").read_text().replace("Instructor console", SECRET)
    )
    os.symlink(home / "solutions" / "secret.ipynb", home / "course" / "linked.ipynb")
    os.symlink(home / "solutions", home / "course" / "linked-folder")
    os.symlink(home / "solutions", home / "exercises" / "answers")
    (home / "course" / "helper.py").write_text(f"SECRET = '{SECRET}'\n")
    (home / "course" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    server = start_server("trainee", tmp_path_factory.mktemp("var"), home=home)
    (server.var_dir / "secret.txt").write_text(SECRET)
    yield server
    stop_process_tree(server.process)


def raw_get(server: LiveServer, path: str) -> tuple[int, str, dict[str, str]]:
    """GET ``path`` exactly as written (no client-side normalising of ``..``)."""
    where = urlsplit(server.base_url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    headers = {k.lower(): v for k, v in response.getheaders()}
    connection.close()
    return response.status, body, headers


def test_the_root_leads_to_the_start_page(planted_server: LiveServer) -> None:
    status, _, headers = raw_get(planted_server, "/")
    assert status in (301, 302)
    assert headers["location"].endswith("/voila/render/course/00-start.ipynb")


def test_the_live_server_runs_with_the_settings_of_its_committed_voila_file(planted_server: LiveServer) -> None:
    # The template and the denied files are set in serve/config/voila.json and nowhere else.
    static = file_config()
    assert CONFIG_FILE.name == "voila.json" and static.VoilaConfiguration.template == "adaptive"
    status, body, _ = raw_get(planted_server, "/voila/render/course/00-start.ipynb")
    assert status == 200 and "voila/templates/adaptive/static/course.css" in body
    # Voilà's defaults would refuse a .jpeg and serve a hidden .png; the file's allow- and denylist say otherwise.
    served = planted_server.var_dir / "serve" / "trainee" / "course"
    (served / "planted.jpeg").write_bytes(b"\xff\xd8\xff\xe0")
    (served / ".hidden.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert [raw_get(planted_server, f"/voila/files/course/{name}")[0] for name in ("planted.jpeg", ".hidden.png")] == [
        200, 403]


@pytest.mark.parametrize("role", ["trainee", "instructor"])
def test_each_setting_is_made_in_one_place_either_the_voila_file_or_the_run_time(role: str, tmp_path) -> None:
    run_time = runtime_config(role=role, root=tmp_path, ip="127.0.0.1", port=1, key="k",  # type: ignore[arg-type]
                              culling=KernelCulling())
    static = file_config()
    for section in set(static) & set(run_time):
        assert not set(static[section]) & set(run_time[section]), section


@pytest.mark.parametrize("role", ["trainee", "instructor"])
def test_a_page_s_kernel_client_tries_a_starting_kernel_s_sockets_again_every_10_ms_at_first(
    role: str, tmp_path: Path,
) -> None:
    """ZeroMQ's default, every 100 ms, opened one page of two 0.15–0.2 s late (the kernel binds after it starts)."""
    import zmq
    from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

    run_time = runtime_config(role=role, root=tmp_path, ip="127.0.0.1", port=1, key="k",  # type: ignore[arg-type]
                              culling=KernelCulling())
    client = ServerKernelManager(config=run_time).client()
    socket = client.context.socket(zmq.DEALER)
    try:
        assert (socket.getsockopt(zmq.RECONNECT_IVL), socket.getsockopt(zmq.RECONNECT_IVL_MAX)) == (10, 100)
    finally:
        socket.close()
        client.context.term()


@pytest.mark.parametrize("page", ["course/00-start.ipynb", "course/01-introductions.ipynb"])
def test_course_pages_render_without_source_or_tracebacks(planted_server: LiveServer, page: str) -> None:
    status, body, headers = raw_get(planted_server, f"/voila/render/{page}")
    assert status == 200
    assert "from adaptive_policing import" not in body
    assert "Traceback" not in body
    assert "default-src 'self'" in headers["content-security-policy"]


LAGGING_OUTPUT_CELL = """
import sys, time
from IPython.display import HTML, display
# As on a loaded server: the cell's output reaches the server seconds after the kernel said the cell was done.
sys.stdout.flush_timeout = sys.stderr.flush_timeout = 0.2
sys.stdout.pub_thread.schedule(lambda: time.sleep(6))
display(HTML("<p id='late-output'>output that arrived late</p>"))
"""


def planted_page(server: LiveServer, name: str, source: str, *, query: str = "") -> tuple[int, str]:
    """Serve a one-cell notebook running ``source`` as ``course/<name>.ipynb`` for one GET: its status and page."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    page = server.var_dir / "serve" / "trainee" / "course" / f"{name}.ipynb"
    nbformat.write(notebook, page)
    try:
        status, body, _ = raw_get(server, f"/voila/render/course/{name}.ipynb{query}")
    finally:
        page.unlink()
    return status, body


def test_a_cells_output_that_arrives_seconds_after_the_cell_is_done_is_still_on_the_page(
    planted_server: LiveServer,
) -> None:
    """nbclient's default wait (4 s) drops such an output without a word: the page would open without its widgets."""
    status, body = planted_page(planted_server, "lagging-output", LAGGING_OUTPUT_CELL)
    assert status == 200
    assert "late-output" in body and "output that arrived late" in body


PAGE_THAT_NAMES_ITS_DATABASE_MODULES = """
import sys
from adaptive_policing import page_header, prompt
page_header("03-what-is-customer-service")
prompt("s03-mindset", "I see service as the main purpose of my job, not an extra.", kind="scale")
from adaptive_policing.widgets import viewer
print("signed in:", viewer.current_trainee().name)
print("database modules:", sorted({name.split(".")[0] for name in sys.modules} & {"sqlalchemy", "alembic", "psycopg"}))
print("history kept:", get_ipython().history_manager.enabled)
"""


def test_a_page_kernel_reads_and_saves_through_its_server_without_loading_the_database_or_keeping_history(
    planted_server: LiveServer,
) -> None:
    """A class of 30 opens a page at once: each kernel is spared SQLAlchemy (about 12 MB and 0.2 s)."""
    store = planted_server.store()
    training_class = store.create_class()
    trainee = store.enroll(training_class, "Dana Ruiz", "B-2041")
    assert trainee is not None
    status, body = planted_page(planted_server, "database-modules", PAGE_THAT_NAMES_ITS_DATABASE_MODULES,
                                query=f"?t={trainee.token}")
    assert status == 200
    assert "database modules: []" in body
    assert "history kept: False" in body  # no SQLite file that 30 kernels starting at once all write to
    assert "signed in: Dana Ruiz" in body  # the header found the trainee through the server
    assert [page for _, page, _ in store.visits(training_class.id)] == ["03-what-is-customer-service"]


def test_store_calls_are_answered_only_for_the_servers_own_kernels_and_only_for_pages(
    planted_server: LiveServer,
) -> None:
    assert raw_get(planted_server, "/voila/render/course/01-introductions.ipynb")[0] == 200
    secret = kernels_store_secret(planted_server.process.pid)
    port = urlsplit(planted_server.base_url).port
    assert port is not None

    def call(body: object, given: str | None = secret) -> tuple[int, bytes]:
        return post_store_call("127.0.0.1", port, body, given)

    nobody = {"method": "trainee_by_token", "args": ["no such token"], "kwargs": {"dict": []}}
    assert call(nobody) == (200, b'{"result": null}')
    assert call(nobody, given=None)[0] == 403
    assert call(nobody, given=secret[:-1] + "x")[0] == 403
    assert call({**nobody, "method": "create_class", "args": []})[0] == 404  # the instructor's, not a page's
    assert call({**nobody, "method": "__class__"})[0] == 404
    assert call({"method": "trainee_by_token"})[0] == 400
    assert call({**nobody, "args": [{"record": ["Popen", [["args", "ls"]]]}]})[0] == 400


def test_a_store_call_answers_as_the_store_itself_with_its_values_and_its_errors(planted_server: LiveServer) -> None:
    assert raw_get(planted_server, "/voila/render/course/01-introductions.ipynb")[0] == 200
    port = urlsplit(planted_server.base_url).port
    secret = kernels_store_secret(planted_server.process.pid)
    remote = RemoteStore(f"http://127.0.0.1:{port}/adaptive-policing/store", secret)
    store = planted_server.store()
    trainee = store.enroll(store.create_class(), "Lee Park", "B-7")
    assert trainee is not None
    assert remote.trainee_by_token(trainee.token) == trainee
    value = {"needs": "a ride to the shelter 🚓", "tags": ["safety", "referral"]}
    saved = remote.save_answer(trainee, "s03-define-customer-service", value)
    assert saved == store.latest_answer(trainee, "s03-define-customer-service")
    assert saved.value == value
    with pytest.raises(AnswerTooLong, match="the limit is"):
        remote.save_answer(trainee, "s03-define-customer-service", "x" * (MAX_TEXT_CHARS + 1))
    assert store.latest_answer(trainee, "s03-define-customer-service") == saved  # nothing saved by the refused call
    nobody = replace(trainee, id=trainee.id + 1000)  # not in the database: the server's store cannot record the visit
    with pytest.raises(StoreUnreachable) as failed:
        remote.record_visit(nobody, "03-what-is-customer-service")
    assert str(failed.value) == FAILED_MESSAGE


def test_page_kernels_talk_over_unix_sockets_not_tcp_ports(planted_server: LiveServer) -> None:
    """A TCP port picked for a kernel can be taken by another process before the kernel binds it (and the page
    never loads); a Unix socket in the server's own folder cannot."""
    assert raw_get(planted_server, "/voila/render/course/01-introductions.ipynb")[0] == 200
    server = psutil.Process(planted_server.process.pid)
    kernels = [p for p in server.children(recursive=True) if "ipykernel_launcher" in " ".join(p.cmdline())]
    assert kernels
    for kernel in kernels:
        arguments = kernel.cmdline()
        connection = json.loads(Path(arguments[arguments.index("-f") + 1]).read_text())
        assert connection["transport"] == "ipc"


def test_images_in_course_are_served(planted_server: LiveServer) -> None:
    status, _, _ = raw_get(planted_server, "/voila/files/course/logo.png")
    assert status == 200


DENIED = [
    "/voila/render/solutions/instructor-console.ipynb",
    "/voila/render/solutions/secret.ipynb",
    "/voila/render/course/linked.ipynb",
    "/voila/render/course/linked-folder/secret.ipynb",
    "/voila/render/exercises/answers/secret.ipynb",
    "/voila/render/../solutions/secret.ipynb",
    "/voila/render/course/../../solutions/secret.ipynb",
    "/voila/render/course/%2e%2e/%2e%2e/solutions/secret.ipynb",
    "/voila/render/course/..%2f..%2fsolutions%2fsecret.ipynb",
    "/voila/render/%2e%2e%2fsolutions/secret.ipynb",
    "/voila/render/grading/nbgrader_config.py",
    "/voila/render/exercises/assessment/adaptive-policing-assessment/assessment.ipynb",
    "/voila/files/grading/nbgrader_config.py",
    "/voila/files/course/helper.py",
    "/voila/files/course/01-introductions.ipynb",
    "/voila/files/course/linked.ipynb",
    "/voila/files/../secret.txt",
    "/voila/files/%2e%2e/%2e%2e/secret.txt",
    "/voila/files/var/secret.txt",
    "/voila/files/course/plan.yaml",
    "/voila/tree/solutions",
    "/voila/tree/course/linked-folder",
    "/voila/api/contents/solutions",
    "/voila/api/contents/course/linked-folder",
    "/voila/static/..%2f..%2f..%2fsecret.txt",
    "/voila/templates/adaptive/static/../../../../../../etc/passwd",
]


@pytest.mark.parametrize("path", DENIED)
def test_everything_outside_course_and_exercises_is_refused(planted_server: LiveServer, path: str) -> None:
    status, body, _ = raw_get(planted_server, path)
    assert status in (400, 403, 404, 405), f"{path} answered {status}"
    assert SECRET not in body
    assert "Traceback" not in body and 'File "' not in body


def test_listings_show_only_trainee_material(planted_server: LiveServer) -> None:
    for path in ("/voila/tree", "/voila/tree/course", "/voila/api/contents", "/voila/api/contents/course"):
        status, body, _ = raw_get(planted_server, path)
        assert status == 200, path
        for hidden in ("solutions", "grading", "linked", "helper.py", "plan.yaml", SECRET):
            assert hidden not in body, f"{path} shows {hidden}"


def test_the_released_assessment_is_taken_through_its_page_only(planted_server: LiveServer) -> None:
    status, body, _ = raw_get(planted_server, "/voila/api/contents/exercises")
    assert status == 200
    assert "activities" in body and "assessment" not in body


def test_pages_load_only_the_widget_managers_of_the_installed_lab_extensions(planted_server: LiveServer) -> None:
    """nbgrader's and Notebook's JupyterLab extensions are installed in the same environment; a course page has
    no use for them (in a page they only fail to load and log errors), so Voilà offers it the widget managers only."""
    status, body, _ = raw_get(planted_server, "/voila/render/course/01-introductions.ipynb")
    assert status == 200
    start = body.index('<script id="jupyter-config-data" type="application/json">')
    config_data = json.loads(body[body.index(">", start) + 1:body.index("</script>", start)])
    offered = {extension["name"] for extension in config_data["federated_extensions"]}
    assert offered == {"@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8"}
