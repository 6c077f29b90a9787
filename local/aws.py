"""AWS emulated by moto, holding the resources template.yaml defines.

Two ways to run it, one set of resources:
* ``InProcessAws``: moto patches botocore in this process (integration tests).
* ``EmbeddedAwsServer``: moto's HTTP server on a loopback port inside this process; functions
  in worker processes reach it through AWS_ENDPOINT_URL (the local server).

Either way the table is created from the template's own AttributeDefinitions, KeySchema and
indexes, so tests and template can't drift.

moto is not thread-safe (two racing conditional writes can both succeed), whereas DynamoDB
makes every single write atomic. Both ways put one lock around moto's request dispatch, so
each AWS call is atomic here as it is in AWS.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

import boto3
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber
from moto.core.config import default_user_config
from moto.dynamodb import models as dynamo_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import Item, LimitedSizeDict
from moto.dynamodb.models.table import SecondaryIndex
from moto.dynamodb.models.table import Table as DynamoTable

from local.template import LOCAL_REGION, Template

MOTO_LOCK = threading.RLock()
_in_process_serialized = False

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": LOCAL_REGION,
    "AWS_REGION": LOCAL_REGION,
}
# Step Functions runs the real state-machine definition instead of answering canned results.
MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}}


class _TablesAreNotCopied:
    """Stands in for the ``copy`` module inside moto's DynamoDB models: a Table "deep copy"
    is the table itself. moto copies every touched table before a transaction to roll back;
    ``_item_scoped_transactions`` rolls back the touched items instead."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, DynamoTable) else copy.deepcopy(value, memo)


def _item_scoped_transactions() -> None:
    """Make moto's TransactWriteItems cost O(items in the transaction), not O(table size).

    moto deep-copies each whole table per transaction, so writing 100,000 coupon codes in
    transactions of 100 is quadratic. Same semantics here: every touched item is saved
    first and restored if the transaction is cancelled.
    """
    if getattr(DynamoDBBackend.transact_write_items, "_item_scoped", False):
        return
    original = DynamoDBBackend.transact_write_items
    dynamo_models.copy = _TablesAreNotCopied()  # type: ignore[attr-defined]

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        saved = []
        for entry in transact_items:
            ((_, operation),) = entry.items()
            table = self.get_table(operation["TableName"])
            source = operation.get("Item") or operation["Key"]
            key = {table.hash_key_attr: source[table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = source[table.range_key_attr]
            current = self.get_item(operation["TableName"], key)
            saved.append((operation["TableName"], key, current.to_json()["Attributes"] if current else None))
        try:
            original(self, transact_items)
        except Exception:
            for table_name, key, attributes in reversed(saved):
                if attributes is None:
                    self.delete_item(table_name, key)
                else:
                    self.put_item(table_name, attributes)
            raise

    transact_write_items._item_scoped = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _serialize_in_process_moto() -> None:
    """Wrap moto's in-process dispatcher in the lock (once per process)."""
    global _in_process_serialized  # noqa: PLW0603 - a process-wide patch, applied once
    if _in_process_serialized:
        return
    dispatch = BotocoreStubber.__call__

    def locked_dispatch(self: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
        with MOTO_LOCK:
            return dispatch(self, event_name, request, **kwargs)

    BotocoreStubber.__call__ = locked_dispatch  # type: ignore[method-assign]
    _in_process_serialized = True


def _project_index_items_directly() -> None:
    """Make moto's GSI/LSI projection linear (once per process).

    moto projects an index entry by re-serialising and deep-copying the whole item once per
    projected attribute, ~50 ms for a 2 KB promotion with the search indexes' 15 attributes:
    reading 10,000 index entries took minutes. An index projects top-level attributes only,
    so the entry is the item's own attribute values for those names (moto has already
    deep-copied the items it projects): same result, in microseconds.
    """
    if getattr(SecondaryIndex.project, "_direct", False):
        return

    def project(self: SecondaryIndex, item: Item) -> Item:
        projection_type = (self.projection or {}).get("ProjectionType")
        if projection_type not in ("KEYS_ONLY", "INCLUDE"):
            return item  # ALL
        names = [*self.table_key_attrs, *self.schema_key_attrs]
        if projection_type == "INCLUDE":
            names += self.projection.get("NonKeyAttributes", [])
        projected = Item.__new__(Item)
        projected.hash_key, projected.range_key = item.hash_key, item.range_key
        projected.attrs = LimitedSizeDict.__new__(LimitedSizeDict)
        dict.__init__(projected.attrs)
        for name in dict.fromkeys(names):
            if name in item.attrs:
                dict.__setitem__(projected.attrs, name, item.attrs[name])  # no re-validation of sizes
        return projected

    project._direct = True  # type: ignore[attr-defined]
    SecondaryIndex.project = project  # type: ignore[method-assign]


_TABLE_PROPERTIES = (
    "TableName",
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "StreamSpecification",
)


def create_resources(template: Template, client: Callable[[str], Any]) -> dict[str, str]:
    """Create the template's tables and buckets; returns logical id -> physical name."""
    created: dict[str, str] = {}
    for logical_id in template.resources_of_type("AWS::DynamoDB::Table"):
        props = template.properties(logical_id)
        params = {name: props[name] for name in _TABLE_PROPERTIES if name in props}
        client("dynamodb").create_table(**params)
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            client("dynamodb").update_time_to_live(
                TableName=params["TableName"],
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
        created[logical_id] = params["TableName"]
    for logical_id in template.resources_of_type("AWS::S3::Bucket"):
        created[logical_id] = template.physical_id(logical_id)
        client("s3").create_bucket(Bucket=created[logical_id])
    for logical_id in template.resources_of_type("AWS::Serverless::StateMachine"):
        role = client("iam").create_role(
            RoleName=f"{logical_id}Role",
            AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}',
        )
        created[logical_id] = client("stepfunctions").create_state_machine(
            name=template.state_machine_name(logical_id),
            definition=template.state_machine_definition(logical_id),
            roleArn=role["Role"]["Arn"],
        )["stateMachineArn"]
    return created


class InProcessAws:
    """moto patching botocore in this process."""

    def __init__(self, template: Template):
        self.template = template
        self._mock: Any = None

    def start(self) -> InProcessAws:
        os.environ.update(FAKE_CREDENTIALS)
        os.environ.pop("AWS_ENDPOINT_URL", None)
        _serialize_in_process_moto()
        _item_scoped_transactions()
        _project_index_items_directly()
        self._mock = mock_aws(config=MOTO_CONFIG)
        self._mock.start()
        boto3.setup_default_session()
        create_resources(self.template, lambda service: boto3.client(service, region_name=LOCAL_REGION))
        return self

    def stop(self) -> None:
        if self._mock is not None:
            self._mock.stop()
            self._mock = None


class _SerializedWsgiApp:
    """One request at a time into moto, including producing the response body."""

    def __init__(self, app: Callable[..., Iterable[bytes]]):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with MOTO_LOCK:
            return list(self.app(environ, start_response))


class EmbeddedAwsServer:
    """moto's HTTP server on 127.0.0.1 (any free port), in a thread of this process."""

    def __init__(self, template: Template, host: str = "127.0.0.1"):
        self.template = template
        self.host = host
        self.endpoint_url = ""
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> EmbeddedAwsServer:
        from moto.moto_server.werkzeug_app import (  # noqa: PLC0415 - server-only dependency
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server  # noqa: PLC0415

        os.environ.update(FAKE_CREDENTIALS)
        _item_scoped_transactions()
        default_user_config.update(MOTO_CONFIG)  # type: ignore[typeddict-item]
        _project_index_items_directly()

        class QuietRequestHandler(MotoRequestHandler):
            def log_request(self, *_: object) -> None:  # one line per AWS call is noise here
                pass

        app = _SerializedWsgiApp(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self.host, 0, app, threaded=True, request_handler=QuietRequestHandler)
        port = self._server.server_address[1]
        self.endpoint_url = f"http://{self.host}:{port}"
        os.environ["MOTO_PORT"] = str(port)  # where moto's own Step Functions tasks call back
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto-server", daemon=True)
        self._thread.start()
        boto3.setup_default_session()
        create_resources(
            self.template,
            lambda service: boto3.client(service, region_name=LOCAL_REGION, endpoint_url=self.endpoint_url),
        )
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None
