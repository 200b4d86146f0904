# wsgi_app.py: a WSGI application with a known call chain, served by uWSGI in the tests. Each
# request spins for a few milliseconds in compute(), so a worker under load is mostly there.
import time


def compute(ms):
    end = time.time() + ms / 1000.0
    n = 0
    while time.time() < end: n += 1  # @compute
    return n


def render(path):
    return ("%s %d\n" % (path, compute(5))).encode()  # @render


def application(environ, start_response):
    body = render(environ.get("PATH_INFO", "/"))  # @application
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
