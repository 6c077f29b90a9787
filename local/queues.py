"""Lambda's SQS event source mapping, played locally: receive a batch from the (moto) queue,
invoke the consuming function with an SQS event, delete the messages it did not report as
failed (``batchItemFailures``); failed ones come back after their visibility timeout.

Queue and consumer come from template.yaml (a function's ``Events: {Type: SQS}``)."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from local.template import Template

Invoke = Callable[[str, Any], Any]
VISIBILITY_SECONDS = 10


class QueueEventSource:
    def __init__(self, sqs_client: Any, invoke: Invoke, function_id: str, queue_name: str, queue_arn: str):
        self.sqs = sqs_client
        self.invoke = invoke
        self.function_id = function_id
        self.queue_arn = queue_arn
        self.queue_url = sqs_client.get_queue_url(QueueName=queue_name)["QueueUrl"]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll_once(self, batch_size: int = 10) -> int:
        """One receive and one invocation; returns how many messages were received."""
        received = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=batch_size, VisibilityTimeout=VISIBILITY_SECONDS
        ).get("Messages", [])
        if not received:
            return 0
        event = {
            "Records": [
                {
                    "messageId": message["MessageId"],
                    "receiptHandle": message["ReceiptHandle"],
                    "body": message["Body"],
                    "attributes": {},
                    "messageAttributes": {},
                    "eventSource": "aws:sqs",
                    "eventSourceARN": self.queue_arn,
                    "awsRegion": "us-east-1",
                }
                for message in received
            ]
        }
        try:
            result = self.invoke(self.function_id, event) or {}
            failed = {item["itemIdentifier"] for item in result.get("batchItemFailures", [])}
        except Exception:  # noqa: BLE001 - a failed invocation leaves the whole batch on the queue
            traceback.print_exc()
            return len(received)
        for message in received:
            if message["MessageId"] not in failed:
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(received)

    def start(self, interval: float = 0.2) -> QueueEventSource:
        def run() -> None:
            while not self._stop.is_set():
                try:
                    if not self.poll_once():
                        self._stop.wait(interval)
                except Exception:  # noqa: BLE001 - keep polling, as Lambda's poller does
                    traceback.print_exc()
                    self._stop.wait(1)

        self._thread = threading.Thread(target=run, name=f"sqs-{self.function_id}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def queue_event_sources(template: Template, sqs_client: Any, invoke: Invoke) -> list[QueueEventSource]:
    return [
        QueueEventSource(
            sqs_client,
            invoke,
            function_id,
            template.physical_id(queue_id),
            template.attribute(queue_id, "Arn"),
        )
        for function_id, queue_id in template.queue_consumers().items()
    ]
