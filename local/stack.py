"""The local "stack": template.yaml's resources on moto, its functions, its HTTP API.

* ``LocalStack``: everything in this process (integration tests; sequential by nature).
* ``ServerStack``: moto as an embedded HTTP server, functions in worker processes (the local
  server; concurrent requests behave as in Lambda).
"""

from __future__ import annotations

import os
from functools import partial
from typing import Any

import boto3

from local import devtokens
from local.aws import EmbeddedAwsServer, InProcessAws
from local.functions import LocalFunctions
from local.gateway import LocalGateway
from local.invoke import answer_invocation, route_lambda_invocations
from local.queues import QueueEventSource, queue_event_sources
from local.rules import LocalRule, schedule_rules
from local.scheduler import LocalScheduler
from local.template import LOCAL_REGION, Template
from local.workers import WorkerPool

# Parameter values of the local "stack". The JWKS URL is not fetched locally: the authorizer
# gets the dev key set inline (JWKS_JSON) instead.
LOCAL_PARAMETERS = {
    "Stage": "dev",
    "TokenIssuer": devtokens.ISSUER,
    "TokenAudience": devtokens.AUDIENCE,
    "TenantClaim": devtokens.TENANT_CLAIM,
    "JwksUrl": "https://offers.local/.well-known/jwks.json",
}


class _Stack:
    def __init__(
        self,
        extra_environment: dict[str, str] | None = None,
        *,
        public_url: str = "http://127.0.0.1:3000",
        parameters: dict[str, str] | None = None,
    ):
        self.signing_key = devtokens.load_or_create_key()
        self.template = Template(parameters={**LOCAL_PARAMETERS, **(parameters or {})})
        self.environment = {
            **devtokens.authorizer_environment(self.signing_key),
            "POWERTOOLS_METRICS_DISABLED": "true",
            # Export download links point at the local server, which verifies and serves them.
            "S3_PRESIGN_ENDPOINT": public_url,
            # moto under load answers in seconds where DynamoDB answers in milliseconds.
            "AWS_READ_TIMEOUT_SECONDS": "60",
            # Webhooks: a developer's receiver on loopback http is allowed, and retries are
            # shortened (1 s doubling to 8 s, for 2 minutes) instead of 30 s .. 1 h for 24 hours.
            "WEBHOOK_ALLOW_LOOPBACK": "true",
            "WEBHOOK_RETRY_BASE_SECONDS": "1",
            "WEBHOOK_RETRY_MAX_SECONDS": "8",
            "WEBHOOK_RETRY_WINDOW_SECONDS": "120",
            **(extra_environment or {}),
        }
        self.functions: Any = None
        self.gateway: LocalGateway | None = None
        self.scheduler: LocalScheduler | None = None
        self.queues: list[QueueEventSource] = []
        self.rules: list[LocalRule] = []

    def _background(self, endpoint_url: str | None) -> None:
        """The local EventBridge Scheduler and SQS event sources, over the stack's functions."""
        clients = {"region_name": LOCAL_REGION, **({"endpoint_url": endpoint_url} if endpoint_url else {})}
        groups = list(self.template.resources_of_type("AWS::Scheduler::ScheduleGroup"))
        self.scheduler = LocalScheduler(
            boto3.client("scheduler", **clients),
            self.functions.invoke,
            group=self.template.physical_id(groups[0]),
            tick_seconds=float(os.environ.get("OFFERS_SCHEDULER_TICK_SECONDS", "1")),
        )
        self.queues = queue_event_sources(
            self.template, boto3.client("sqs", **clients), self.functions.invoke
        )
        override = os.environ.get("OFFERS_RULE_SECONDS")
        self.rules = schedule_rules(
            self.template, self.functions.invoke, float(override) if override else None
        )

    def token(self, tenant_id: str, **claims: Any) -> str:
        return devtokens.mint_token(self.signing_key, tenant_id=tenant_id, **claims)


class LocalStack(_Stack):
    def start(self) -> LocalStack:
        self.aws = InProcessAws(self.template).start()
        self.functions = LocalFunctions(self.template.functions(), self.environment)
        route_lambda_invocations(partial(answer_invocation, self.functions.invoke))
        self.gateway = LocalGateway(self.template, self.functions)
        self._background(None)  # tests drive them: scheduler.tick(), queue.poll_once(), rule.fire()
        return self

    def stop(self) -> None:
        self.aws.stop()


class ServerStack(_Stack):
    def start(self) -> ServerStack:
        self.aws = EmbeddedAwsServer(self.template).start()
        self.environment["AWS_ENDPOINT_URL"] = self.aws.endpoint_url
        self.functions = WorkerPool(self.template.functions(), self.environment)
        route_lambda_invocations(partial(answer_invocation, self.functions.invoke))  # moto's Step Functions
        self.gateway = LocalGateway(self.template, self.functions, aws_endpoint_url=self.aws.endpoint_url)
        self._background(self.aws.endpoint_url)
        assert self.scheduler is not None
        self.scheduler.start()
        for queue in self.queues:
            queue.start()
        for rule in self.rules:
            rule.start()
        return self

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        for queue in self.queues:
            queue.stop()
        for rule in self.rules:
            rule.stop()
        self.functions.close()
        self.aws.stop()
