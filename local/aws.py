"""In-process AWS emulation (moto) with the resources template.yaml defines.

Used by the local server and by the integration and e2e tests, so that tests and template
can't drift: the table is created from the template's own AttributeDefinitions, KeySchema
and indexes, the bucket from its bucket resource.

moto is not thread-safe (a conditional write racing another can both succeed), whereas
DynamoDB makes every single write atomic. ``serialize_moto`` puts one lock around moto's
emulated endpoint, so each AWS call is atomic here too, as it is in AWS.
"""

from __future__ import annotations

import os
import secrets
import threading
from typing import Any

import boto3
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber

from local.template import LOCAL_REGION, Template

_MOTO_LOCK = threading.RLock()
_serialized = False

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": LOCAL_REGION,
    "AWS_REGION": LOCAL_REGION,
}


def serialize_moto() -> None:
    """Wrap moto's request dispatcher in one lock (idempotent)."""
    global _serialized  # noqa: PLW0603 - a process-wide patch, applied once
    if _serialized:
        return
    dispatch = BotocoreStubber.__call__

    def locked_dispatch(self: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
        with _MOTO_LOCK:
            return dispatch(self, event_name, request, **kwargs)

    BotocoreStubber.__call__ = locked_dispatch  # type: ignore[method-assign]
    _serialized = True


def local_secret_references(template: Template) -> dict[str, str]:
    """A fresh value for every Secrets Manager dynamic reference the template makes."""
    values: dict[str, str] = {}
    for logical_id in template.resources_of_type("AWS::SecretsManager::Secret"):
        arn = template.physical_id(logical_id)
        values[f"{{{{resolve:secretsmanager:{arn}:SecretString}}}}"] = secrets.token_urlsafe(36)
    return values


_TABLE_PROPERTIES = (
    "TableName",
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "StreamSpecification",
)


def create_table(template: Template, logical_id: str) -> str:
    props = template.properties(logical_id)
    params = {name: props[name] for name in _TABLE_PROPERTIES if name in props}
    client = boto3.client("dynamodb", region_name=LOCAL_REGION)
    client.create_table(**params)
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        client.update_time_to_live(
            TableName=params["TableName"],
            TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
        )
    return params["TableName"]


def create_bucket(template: Template, logical_id: str) -> str:
    name = template.physical_id(logical_id)
    boto3.client("s3", region_name=LOCAL_REGION).create_bucket(Bucket=name)
    return name


class AwsEmulation:
    """Starts moto and creates the template's table(s) and bucket(s) in it."""

    def __init__(self, template: Template):
        self.template = template
        self._mock: Any = None

    def start(self) -> AwsEmulation:
        os.environ.update(FAKE_CREDENTIALS)
        serialize_moto()
        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        boto3.setup_default_session()
        for logical_id in self.template.resources_of_type("AWS::DynamoDB::Table"):
            create_table(self.template, logical_id)
        for logical_id in self.template.resources_of_type("AWS::S3::Bucket"):
            create_bucket(self.template, logical_id)
        return self

    def stop(self) -> None:
        if self._mock is not None:
            self._mock.stop()
            self._mock = None

    def __enter__(self) -> AwsEmulation:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
