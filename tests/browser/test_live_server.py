"""The browser tests' live server: stopping it waits for the answers it is still giving."""

import threading
import urllib.request

from tests.browser.conftest import LiveServer


def test_stopping_the_server_waits_for_an_answer_still_being_given(app):
    started, may_finish = threading.Event(), threading.Event()

    @app.route("/slow-answer")
    def slow_answer():
        started.set()
        may_finish.wait(5)
        return "done"

    server = LiveServer(app)
    server.start()
    answers = []
    client = threading.Thread(target=lambda: answers.append(urllib.request.urlopen(f"{server.url}/slow-answer").read()))  # noqa: S310 - our own server
    client.start()
    assert started.wait(5)

    stopping = threading.Thread(target=server.stop)
    stopping.start()
    stopping.join(0.3)
    assert stopping.is_alive(), "the server stopped while an answer was still being given"

    may_finish.set()
    stopping.join(5)
    client.join(5)
    assert not stopping.is_alive()
    assert answers == [b"done"]
    assert server.errors == []
