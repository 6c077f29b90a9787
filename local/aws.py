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
import json
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber
from moto.core.config import default_user_config
from moto.core.responses import ActionResult
from moto.dynamodb import models as dynamo_models
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models import table as table_models
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import SecondaryIndex
from moto.dynamodb.models.table import Table as DynamoTable
from moto.dynamodb.models.utilities import bytesize, dynamo_json_dump, dynamo_to_dict
from moto.dynamodb.responses import DynamoResult

from local.template import LOCAL_REGION, Template


class FairLock:
    """A reentrant lock granted in arrival order.

    Python's locks let a busy thread take the lock again and again; with export segments
    queuing heavy queries, a small read could starve past its Lambda timeout. Here every call
    waits only for the calls that arrived before it, as requests to DynamoDB would.
    """

    def __init__(self) -> None:
        self._state = threading.Condition(threading.Lock())
        self._queue: deque[object] = deque()
        self._owner: int | None = None
        self._depth = 0

    def __enter__(self) -> FairLock:
        me = threading.get_ident()
        with self._state:
            if self._owner == me:
                self._depth += 1
                return self
            ticket = object()
            self._queue.append(ticket)
            while self._owner is not None or self._queue[0] is not ticket:
                self._state.wait()
            self._queue.popleft()
            self._owner, self._depth = me, 1
        return self

    def __exit__(self, *_: object) -> None:
        with self._state:
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._state.notify_all()


MOTO_LOCK = FairLock()
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


class _ReadResultsAreNotCopied(_TablesAreNotCopied):
    """Stands in for ``copy`` inside moto's Table model: the items a Query or Scan returns
    are not deep-copied. moto copies them defensively, but every later step (index and
    expression projection, filters, the response encoder) builds new objects and mutates
    none, so the copy only cost time: a fifth of a 1 MB page's serving time."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        if isinstance(value, Item):
            return value
        if isinstance(value, list) and all(isinstance(entry, Item) for entry in value):
            return list(value)
        return _TablesAreNotCopied.deepcopy(value, memo)


def _uncopied_read_results() -> None:
    table_models.copy = _ReadResultsAreNotCopied()  # type: ignore[attr-defined]


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
    so the entry is the item's own attribute values for those names (shared, not copied: no
    read path mutates them): same result, in microseconds.
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


def _partition_of(value: Any) -> tuple[str, str]:
    return value.type, str(value.value)


def _identity(item: Any) -> tuple[str, str]:
    return str(item.hash_key.value), str(item.range_key.value) if item.range_key is not None else ""


class _IndexPartitions:
    """Let a moto index query look only at its partition, as DynamoDB does.

    moto answers every Query on an index by scanning and sorting the whole table, so with
    200,000 items one page takes seconds and, under the lock, stalls every other call. Here,
    while an index query runs, the table's item scan returns only the items whose index
    partition key equals the query's, from a per-table grouping that every write keeps
    current (one item at a time); each partition's sorted order is remembered until it
    changes. moto still applies every condition itself, so answers are unchanged.
    """

    querying = threading.local()

    def __init__(self) -> None:
        self.query, self.all_items, self.sorted_items = (
            DynamoTable.query,
            DynamoTable.all_items,
            DynamoTable.sorted_items,
        )

    def install(self) -> None:
        patch = self

        def query(table: DynamoTable, *args: Any, **kwargs: Any) -> Any:
            return patch.partition_query(table, *args, **kwargs)

        def all_items(table: DynamoTable) -> list[Any]:
            return patch.partition_items(table)

        def sorted_items(table: DynamoTable, hash_attrs: Any, range_attrs: Any, items: Any) -> Any:
            return patch.partition_sorted(table, hash_attrs, range_attrs, items)

        query._partitioned = True  # type: ignore[attr-defined]
        DynamoTable.query = query  # type: ignore[method-assign]
        DynamoTable.all_items = all_items  # type: ignore[method-assign]
        DynamoTable.sorted_items = sorted_items  # type: ignore[method-assign]
        for name, key_of in (("put_item", _key_of_put), ("update_item", _key_arg), ("delete_item", _key_arg)):
            setattr(DynamoDBBackend, name, self.regrouping(getattr(DynamoDBBackend, name), key_of))

    def partition_query(self, table: DynamoTable, *args: Any, **kwargs: Any) -> Any:
        conditions = kwargs.get("hash_key_conditions") or []
        index_name = args[7] if len(args) > 7 else kwargs.get("index_name")  # moto passes it positionally
        if index_name and len(conditions) == 1:
            attribute, value = conditions[0]
            self.querying.partition = (attribute, *_partition_of(value))
        try:
            return self.query(table, *args, **kwargs)
        finally:
            self.querying.partition = None

    def groups(self, table: DynamoTable) -> dict[tuple[str, str, str], dict[tuple[str, str], Any]]:
        groups = table.__dict__.get("_offers_partitions")
        if groups is None:
            table.__dict__["_offers_index_keys"] = {
                key["AttributeName"] for index in table.all_indexes() for key in index.schema
            }
            groups = {}
            for item in self.all_items(table):
                for partition in self.partitions_of(table, item):
                    groups.setdefault(partition, {})[_identity(item)] = item
            table.__dict__["_offers_partitions"] = groups
            table.__dict__["_offers_orders"] = {}
        return groups

    @staticmethod
    def partitions_of(table: DynamoTable, item: Any) -> set[tuple[str, str, str]]:
        """(attribute, type, value) of every index partition key the item carries."""
        if item is None:
            return set()
        names = table.__dict__["_offers_index_keys"]
        return {(name, *_partition_of(item.attrs[name])) for name in names & item.attrs.keys()}

    def partition_items(self, table: DynamoTable) -> list[Any]:
        wanted = getattr(self.querying, "partition", None)
        if wanted is None:
            return self.all_items(table)
        return list(self.groups(table).get(wanted, {}).values())

    def partition_sorted(self, table: DynamoTable, hash_attrs: Any, range_attrs: Any, items: Any) -> Any:
        """moto sorts the partition for every page; the order only changes when items do."""
        wanted = getattr(self.querying, "partition", None)
        if wanted is None or len(items) != len(self.groups(table).get(wanted, {})):
            return self.sorted_items(table, hash_attrs, range_attrs, items)
        orders = table.__dict__["_offers_orders"]
        key = (wanted, tuple(hash_attrs), tuple(range_attrs))
        if key not in orders:
            orders[key] = self.sorted_items(table, hash_attrs, range_attrs, items)
        return list(orders[key])

    def regrouping(self, method: Callable[..., Any], key_of: Callable[..., dict]) -> Callable[..., Any]:
        patch = self

        def write(backend: DynamoDBBackend, table_name: str, *args: Any, **kwargs: Any) -> Any:
            table = backend.get_table(table_name)
            if "_offers_partitions" not in table.__dict__:
                return method(backend, table_name, *args, **kwargs)
            key = key_of(table, args, kwargs)
            before = backend.get_item(table_name, key)
            old = patch.partitions_of(table, before)
            try:
                return method(backend, table_name, *args, **kwargs)
            finally:
                after = backend.get_item(table_name, key)
                patch.move(table, before or after, old, after)

        return write

    def move(self, table: DynamoTable, item: Any, old: set[tuple[str, str, str]], after: Any) -> None:
        if item is None:
            return
        new = self.partitions_of(table, after)
        groups, orders = table.__dict__["_offers_partitions"], table.__dict__["_offers_orders"]
        identity = _identity(item)
        for partition in old | new:
            groups.get(partition, {}).pop(identity, None)
            for cached in [key for key in orders if key[0] == partition]:
                del orders[cached]
        for partition in new:
            groups.setdefault(partition, {})[identity] = after


def _incremental_item_sizes() -> None:
    """Make moto's 400 KB item-size check incremental (once per process).

    moto re-sums the size of every attribute each time one is set, so building an item costs
    the square of its attribute count: half of all write time. Here the running size is kept
    (and dropped whenever an attribute is removed); the limit and its error are moto's own.
    Item.size, which a Query sums for every item to cut 1 MB pages, reads that running size
    when it is known (an in-place change to a nested value is not seen: a page may then be
    cut a few bytes off, never wrongly filled).
    """
    if getattr(LimitedSizeDict.__setitem__, "_incremental", False):
        return
    limit = 405_000  # moto's chosen limit, between DynamoDB's documented and measured ones

    def entry_size(key: str, value: Any) -> int:
        return bytesize(key) + (value.size() if type(value) is DynamoType else bytesize(str(value)))

    def setitem(self: LimitedSizeDict, key: str, value: Any) -> None:
        size = self.__dict__.get("_size")
        if size is None:
            size = sum(entry_size(k, v) for k, v in self.items())
        if key in self:
            size -= entry_size(key, dict.__getitem__(self, key))
        size += entry_size(key, value)
        if size > limit:
            raise ItemSizeTooLarge
        dict.__setitem__(self, key, value)
        self.__dict__["_size"] = size

    def forgetting(method: Callable[..., Any]) -> Callable[..., Any]:
        def call(self: LimitedSizeDict, *args: Any, **kwargs: Any) -> Any:
            self.__dict__.pop("_size", None)
            return method(self, *args, **kwargs)

        return call

    item_size = Item.size

    def size(self: Item) -> int:
        known = self.attrs.__dict__.get("_size") if isinstance(self.attrs, LimitedSizeDict) else None
        return known if known is not None else item_size(self)

    setitem._incremental = True  # type: ignore[attr-defined]
    LimitedSizeDict.__setitem__ = setitem  # type: ignore[method-assign]
    Item.size = size  # type: ignore[method-assign]
    for name in ("__delitem__", "pop", "popitem", "update", "clear", "setdefault"):
        setattr(LimitedSizeDict, name, forgetting(getattr(dict, name)))


_ITEM_READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan"})


def _fast_item_responses() -> None:
    """Serialize DynamoDB item reads with moto's own DynamoDB JSON encoder (once per process).

    moto's generic, shape-driven serializer walks every AttributeValue of every item: about
    8 ms per item returned, so one 1 MB page takes seconds; converting the stored values to
    plain dicts first (``DynamoResult``) took a third of what remained. DynamoDB's JSON
    protocol is the result as moto holds it, which ``dynamo_json_dump`` writes directly, its
    encoder expanding each stored value. Only these read operations take the short path;
    every other response is converted and serialized by moto as before.
    tests/integration/test_local_emulation.py round-trips every attribute type through it.
    """
    if getattr(ActionResult.execute_result, "_fast", False):
        return
    execute_result = ActionResult.execute_result

    def keep_stored_values(self: DynamoResult, result: object) -> None:
        ActionResult.__init__(self, result)  # converted when serialized, and only if needed

    def execute(self: ActionResult, context: Any) -> Any:
        if context.service_model.service_name == "dynamodb" and context.operation_model.name in _ITEM_READS:
            return 200, {"Content-Type": "application/x-amz-json-1.0"}, dynamo_json_dump(self.result)
        if isinstance(self, DynamoResult):
            self._result = dynamo_to_dict(self._result)  # what moto's DynamoResult does up front
        return execute_result(self, context)

    execute._fast = True  # type: ignore[attr-defined]
    ActionResult.execute_result = execute  # type: ignore[method-assign]
    DynamoResult.__init__ = keep_stored_values  # type: ignore[method-assign]


def _key_of_put(table: DynamoTable, args: tuple, kwargs: dict) -> dict:
    attrs = args[0] if args else kwargs["item_attrs"]
    names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
    return {name: attrs[name] for name in names}


def _key_arg(_: DynamoTable, args: tuple, kwargs: dict) -> dict:
    return args[0] if args else kwargs["key"]


def _partitioned_index_queries() -> None:
    """Install _IndexPartitions (once per process)."""
    if not getattr(DynamoTable.query, "_partitioned", False):
        _IndexPartitions().install()


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
    for logical_id in template.resources_of_type("AWS::SQS::Queue"):
        created[logical_id] = template.physical_id(logical_id)
        client("sqs").create_queue(QueueName=created[logical_id])
    for logical_id in template.resources_of_type("AWS::Events::Rule"):
        props = template.properties(logical_id)
        name = f"{template.physical_id(logical_id)}"
        bus = props.get("EventBusName", "default")
        client("events").put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(props["EventPattern"]))
        client("events").put_targets(
            Rule=name, EventBusName=bus, Targets=[{"Id": t["Id"], "Arn": t["Arn"]} for t in props["Targets"]]
        )
        created[logical_id] = name
    for logical_id in template.resources_of_type("AWS::Scheduler::ScheduleGroup"):
        created[logical_id] = template.physical_id(logical_id)
        client("scheduler").create_schedule_group(Name=created[logical_id])
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
        _partitioned_index_queries()
        _incremental_item_sizes()
        _fast_item_responses()
        _uncopied_read_results()
        self._mock = mock_aws(config=MOTO_CONFIG)
        self._mock.start()
        boto3.setup_default_session(botocore_session=_fresh_botocore_session())
        create_resources(self.template, lambda service: boto3.client(service, region_name=LOCAL_REGION))
        return self

    def stop(self) -> None:
        if self._mock is not None:
            self._mock.stop()
            self._mock = None


# botocore's service models, loaded once per process: every stack gets a fresh session (no
# clients or credentials carried over), but re-reading the models was a third of a stack's start.
_SERVICE_MODELS = botocore.loaders.create_loader()


def _fresh_botocore_session() -> botocore.session.Session:
    session = botocore.session.get_session()
    session.register_component("data_loader", _SERVICE_MODELS)
    return session


class _SerializedWsgiApp:
    """One request at a time into moto, including producing the response body."""

    def __init__(self, app: Callable[..., Iterable[bytes]]):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with MOTO_LOCK:
            return list(self.app(environ, start_response))


class EmbeddedAwsServer:
    """moto's HTTP server on 127.0.0.1 (any free port), in a thread of this process."""

    def __init__(
        self, template: Template, host: str = "127.0.0.1", port: int = 0, *, run_state_machines: bool = True
    ):
        """``run_state_machines=False``: Step Functions records executions without running them,
        for callers that can't answer its Lambda tasks (``sam local``: the functions live in
        containers, not in moto's Lambda)."""
        self.template = template
        self.host = host
        self.port = port
        self.run_state_machines = run_state_machines
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
        if not self.run_state_machines:
            default_user_config["stepfunctions"] = {"execute_state_machine": False}
        _project_index_items_directly()
        _partitioned_index_queries()
        _incremental_item_sizes()
        _fast_item_responses()
        _uncopied_read_results()

        class QuietRequestHandler(MotoRequestHandler):
            def log_request(self, *_: object) -> None:  # one line per AWS call is noise here
                pass

        app = _SerializedWsgiApp(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self.host, self.port, app, threaded=True, request_handler=QuietRequestHandler
        )
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
