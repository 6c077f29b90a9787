"""Lambda's execution model for the local server: worker processes, one invocation at a time.

Lambda runs each concurrent request in its own execution environment, and code may rely on
that (Powertools keeps the current event on the resolver, the logger keeps the correlation
id). Running handlers on server threads would break it, so each invocation is handed to an
idle worker process; more workers start as concurrency grows, up to ``max_workers``, as
Lambda scales out. A worker keeps its module state between invocations, like a warm
container.
"""

from __future__ import annotations

import multiprocessing
import threading
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from local.functions import FunctionError, LocalFunctions
from local.invoke import answer_invocation, route_lambda_invocations
from local.template import FunctionSpec

_CONTEXT = multiprocessing.get_context("spawn")
# moto is orders of magnitude slower than DynamoDB on large tables; holding moto-bound work
# to a template timeout of a few seconds would fail what AWS finishes in milliseconds. Local
# invocations get at least this long before they are stopped (the context still reports the
# template's timeout, so code that plans by remaining time behaves as in Lambda).
LOCAL_MIN_TIMEOUT_SECONDS = 60


def _worker_main(connection: Connection, specs: dict[str, FunctionSpec], environment: dict[str, str]) -> None:
    functions = LocalFunctions(specs, environment)

    def relay(name: str, payload: Any, invocation_type: str) -> tuple[int, bytes, str | None]:
        # A function calling lambda:Invoke: the parent runs the target in another worker.
        connection.send(("invoke", name, payload, invocation_type))
        return connection.recv()

    route_lambda_invocations(relay)
    while True:
        try:
            name_or_arn, event = connection.recv()
        except EOFError:
            return
        try:
            result = functions.invoke(name_or_arn, event)
        except Exception as error:  # noqa: BLE001 - reported to the caller, as Lambda reports it
            connection.send(("error", type(error).__name__, str(error), traceback.format_exc()))
        else:
            connection.send(("ok", result))


@dataclass
class _Worker:
    process: Any
    connection: Connection


class WorkerPool:
    def __init__(
        self,
        specs: dict[str, FunctionSpec],
        environment: dict[str, str],
        *,
        max_workers: int = 8,
        prestart: int = 2,
    ):
        self.specs = specs
        self.environment = environment
        self.max_workers = max_workers
        self._idle: list[_Worker] = []
        self._started = 0
        self._available = threading.Condition()
        for _ in range(prestart):
            self._started += 1
            self._idle.append(self._spawn())

    def _spawn(self) -> _Worker:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(
            target=_worker_main, args=(child, self.specs, self.environment), name="lambda-worker", daemon=True
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def _checkout(self) -> _Worker:
        with self._available:
            while True:
                if self._idle:
                    return self._idle.pop()
                if self._started < self.max_workers:
                    self._started += 1  # reserve the slot; start the process outside the lock
                    break
                self._available.wait()
        return self._spawn()

    def _checkin(self, worker: _Worker | None) -> None:
        with self._available:
            if worker is None:
                self._started -= 1
            else:
                self._idle.append(worker)
            self._available.notify()

    def invoke(self, name_or_arn: str, event: Any) -> Any:
        spec = LocalFunctions.find(self.specs, name_or_arn)
        worker = self._checkout()
        try:
            worker.connection.send((name_or_arn, event))
            reply = self._await_reply(worker, max(spec.timeout, LOCAL_MIN_TIMEOUT_SECONDS))
        except (EOFError, OSError) as error:
            self._checkin(None)
            raise FunctionError("WorkerDied", f"the function's worker process died: {error}") from error
        self._checkin(worker)
        if reply[0] == "error":
            _, error_type, message, trace = reply
            raise FunctionError(error_type, message, trace)
        return reply[1]

    def _await_reply(self, worker: _Worker, timeout: int) -> tuple[Any, ...]:
        """The worker's answer, serving the lambda:Invoke calls it makes meanwhile."""
        while True:
            if not worker.connection.poll(timeout + 5):
                worker.process.kill()
                self._checkin(None)
                raise FunctionError("TimeoutError", f"Task timed out after {timeout} seconds")
            message = worker.connection.recv()
            if message[0] != "invoke":
                return message
            _, name, payload, invocation_type = message
            worker.connection.send(answer_invocation(self.invoke, name, payload, invocation_type))

    def close(self) -> None:
        with self._available:
            for worker in self._idle:
                worker.connection.close()
                worker.process.terminate()
            self._idle.clear()
