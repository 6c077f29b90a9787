"""``make serve``: the whole API on http://127.0.0.1:3000 with AWS emulated in memory.

Starts moto (embedded, on a loopback port) with the template's table and bucket, runs the
template's functions in worker processes as Lambda would, and serves the template's HTTP API
routes through the authorizer, as API Gateway would.
Prints OFFERS_API_URL, OFFERS_TENANT_ID, OFFERS_TOKEN, OFFERS_APP_ID and OFFERS_APP_TOKEN
(a Voucherify app key of the demo tenant), one per line. All state lives in
this process's memory and is gone when it stops. OFFERS_PORT picks another port (0 = any).
"""

from __future__ import annotations

import os
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from local import appkeys, devtokens
from local.gateway import HttpRequest, HttpResponse, LocalGateway
from local.gateway import _json_response as gateway_error  # API Gateway's own {"message"} errors
from local.stack import ServerStack

HOST = "127.0.0.1"
DEFAULT_PORT = 3000


class _Holder:
    gateway: LocalGateway | None = None


# API Gateway HTTP APIs take payloads up to 10 MB and answer 413 above that.
MAX_BODY_BYTES = 10 * 1024 * 1024


def _request_handler(holder: _Holder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "offers-local"

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = (self.headers.get("content-length") or "0").strip()
            if not (length.isascii() and length.isdigit()):
                self._send(gateway_error(400, "Bad Request"))  # the body's end is unknown
                self.close_connection = True
                return
            if int(length) > MAX_BODY_BYTES:
                self._send(gateway_error(413, "Request Entity Too Large"))
                self.close_connection = True
                return
            body = self.rfile.read(int(length)) if int(length) else b""
            headers: dict[str, str] = {}
            for name, value in self.headers.items():
                key = name.lower()
                headers[key] = f"{headers[key]},{value}" if key in headers else value
            assert holder.gateway is not None
            try:
                response = holder.gateway.handle(
                    HttpRequest(
                        self.command, url.path or "/", url.query, headers, body, self.client_address[0]
                    )
                )
            except Exception:  # noqa: BLE001 - a bug in the emulation: answer 500, never drop the connection
                traceback.print_exc()
                response = gateway_error(500, "Internal Server Error")
            self._send(response)

        def _send(self, response: HttpResponse) -> None:
            self.send_response(response.status)
            for name, value in response.headers.items():
                if name != "content-length":
                    self.send_header(name, value)
            self.send_header("content-length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve

        def __getattr__(self, name: str) -> object:
            # Any other method (TRACE, PROPFIND, ...) goes to the gateway too, which answers 404
            # as API Gateway does, instead of http.server's 501.
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

        def log_message(self, format: str, *args: object) -> None:
            sys.stderr.write(f"[local] {self.address_string()} {format % args}\n")

    return Handler


PARAMETER_PREFIX = "OFFERS_PARAMETER_"
# Connections the kernel queues before the server accepts them. socketserver's default of 5
# resets a burst of clients (14 of 40 simultaneous connects); API Gateway takes any burst.
LISTEN_BACKLOG = 128


class LocalHttpServer(ThreadingHTTPServer):
    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True


def make_server(port: int, holder: _Holder) -> LocalHttpServer:
    return LocalHttpServer((HOST, port), _request_handler(holder))


def _demo_app_key(stack: ServerStack) -> dict:
    """A Voucherify app key for the demo tenant, made through the API as a user would."""
    assert stack.gateway is not None
    gateway = stack.gateway

    def post(path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        response = gateway.handle(HttpRequest("POST", path, "", headers, body))
        return response.status, response.body

    return appkeys.request_app_key(post, devtokens.DEMO_TENANT_ID)


def main() -> None:
    port = int(os.environ.get("OFFERS_PORT", DEFAULT_PORT))
    holder = _Holder()
    server = make_server(port, holder)
    url = f"http://{HOST}:{server.server_address[1]}"
    # OFFERS_PARAMETER_<Name>=value overrides a template parameter, like sam's --parameter-overrides.
    parameters = {
        k[len(PARAMETER_PREFIX) :]: v for k, v in os.environ.items() if k.startswith(PARAMETER_PREFIX)
    }
    stack = ServerStack(public_url=url, parameters=parameters).start()
    holder.gateway = stack.gateway
    print(f"OFFERS_API_URL={url}")
    print(f"OFFERS_TENANT_ID={devtokens.DEMO_TENANT_ID}")
    print(f"OFFERS_TOKEN={stack.token(devtokens.DEMO_TENANT_ID)}", flush=True)
    print("\n".join(appkeys.app_key_lines(_demo_app_key(stack))), flush=True)
    assert stack.gateway is not None
    print(
        f"[local] serving {len(stack.gateway.routes)} routes from template.yaml; AWS is emulated in memory "
        f"(moto, at {stack.aws.endpoint_url}), so all data is lost when this process stops. Ctrl-C to stop.",
        flush=True,
    )
    if stack.scheduler is not None:
        print(
            f"[local] export schedules fire from this process (every {stack.scheduler.tick_seconds:g} s it"
            " checks what is due, OFFERS_SCHEDULER_TICK_SECONDS); webhooks go out over HTTP.",
            flush=True,
        )
    for rule in stack.rules:
        print(
            f"[local] {rule.function_id} runs every {rule.period_seconds:g} s, as its EventBridge rule"
            " (OFFERS_RULE_SECONDS overrides).",
            flush=True,
        )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        stack.stop()


if __name__ == "__main__":
    main()
