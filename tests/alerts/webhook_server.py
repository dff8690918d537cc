"""A local HTTP server standing in for a chat robot or an SMS gateway: it records every request it gets
(path, query, headers, JSON body) and answers as told (`mode`): "ok" (200 {"errcode": 0}), "error"
(HTTP 500), "refuse" (200 with a robot's error code), "slow" (answers after `delay` seconds), "redirect"
(302 to `location`) or "hold" (sets `holding` when the request is in, answers once `release` is set);
`fail_first` more requests are answered with HTTP 500 whatever the mode (a receiver that recovers).
`host` is the loopback address it listens on (127.0.0.1 or another of 127.0.0.0/8)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class WebhookServer:
    def __init__(self, host="127.0.0.1", port=0):
        self.requests = []
        self.mode, self.delay, self.location, self.fail_first = "ok", 0.0, "", 0
        self.holding, self.release = threading.Event(), threading.Event()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                parts = urlsplit(self.path)
                if server.mode == "slow":
                    time.sleep(server.delay)
                with server.lock:
                    server.requests.append({"path": parts.path, "query": parse_qs(parts.query),
                                            "headers": dict(self.headers), "json": json.loads(body or b"{}"),
                                            "at": time.monotonic()})
                    failing = server.fail_first > 0
                    server.fail_first -= failing
                if server.mode == "hold":
                    server.holding.set()
                    server.release.wait(30)
                if server.mode == "redirect":
                    self.send_response(302)
                    self.send_header("Location", server.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if server.mode == "error" or failing:
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"internal error")
                    return
                answer = {"errcode": 310000, "errmsg": "sign not match"} if server.mode == "refuse" else {
                    "errcode": 0, "errmsg": "ok"}
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def received(self, path=None):
        with self.lock:
            return [r for r in self.requests if path is None or r["path"] == path]

    def wait_for(self, count, path=None, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received(path)) >= count:
                return self.received(path)
            time.sleep(0.05)
        return self.received(path)

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
