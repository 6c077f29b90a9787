"""The emulation's speed-ups to moto (local/aws.py) keep DynamoDB's behaviour, as the SDK sees it.

Every patch is active here (the stack installs them all): item reads serialized straight from
the stored values, query results not deep-copied, index queries that read one partition,
running item sizes, item-scoped transaction rollback.
"""

from __future__ import annotations

from decimal import Decimal

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from local.stack import LocalStack

TABLE = "offers-local-offers"

EVERY_TYPE = {
    "pk": "T#emulation",
    "sk": "ITEM#1",
    "text": 'naïve, "quoted" ☃',
    "number": Decimal("-12.5"),
    "large": Decimal("123456789012345678901234567890"),
    "flag": True,
    "nothing": None,
    "blob": b"\x00\xffbinary",
    "strings": {"a", "b"},
    "numbers": {Decimal(1), Decimal("2.5")},
    "blobs": {b"\x01", b"\x02"},
    "list": ["x", Decimal(3), {"nested": [True, None, b"\x03"]}],
    "map": {"deep": {"deeper": {"value": "v", "n": Decimal(7)}}, "empty": {}},
}


@pytest.fixture
def table(stack: LocalStack):
    return boto3.resource("dynamodb").Table(TABLE)


def test_given_every_attribute_type_when_read_back_by_every_read_then_values_are_identical(table):
    table.put_item(Item=EVERY_TYPE)
    key = {"pk": EVERY_TYPE["pk"], "sk": EVERY_TYPE["sk"]}
    assert table.get_item(Key=key, ConsistentRead=True)["Item"] == EVERY_TYPE
    assert table.query(KeyConditionExpression=Key("pk").eq(EVERY_TYPE["pk"]))["Items"] == [EVERY_TYPE]
    batch = boto3.resource("dynamodb").batch_get_item(RequestItems={TABLE: {"Keys": [key]}})
    assert batch["Responses"][TABLE] == [EVERY_TYPE]
    projected = table.get_item(
        Key=key,
        ProjectionExpression="#m.deep.deeper.n, #b",
        ExpressionAttributeNames={"#m": "map", "#b": "blob"},
    )
    assert projected["Item"] == {"map": {"deep": {"deeper": {"n": Decimal(7)}}}, "blob": b"\x00\xffbinary"}


def test_given_projected_and_filtered_reads_then_the_stored_items_keep_every_attribute(table):
    # Results are no longer deep-copied: projections and filters must build new items.
    for n in range(3):
        table.put_item(Item={**EVERY_TYPE, "sk": f"P#{n}", "gsi1pk": "P", "gsi1sk": f"{n}"})
    projected = table.query(
        KeyConditionExpression=Key("pk").eq(EVERY_TYPE["pk"]) & Key("sk").begins_with("P#"),
        ProjectionExpression="sk, #m.deep",
        FilterExpression="#f = :t",
        ExpressionAttributeNames={"#m": "map", "#f": "flag"},
        ExpressionAttributeValues={":t": True},
    )
    assert projected["Items"][0] == {"sk": "P#0", "map": {"deep": EVERY_TYPE["map"]["deep"]}}
    by_index = table.query(
        IndexName="GSI1", KeyConditionExpression=Key("gsi1pk").eq("P"), ProjectionExpression="sk"
    )
    assert by_index["Items"] == [{"sk": f"P#{n}"} for n in range(3)]
    stored = table.get_item(Key={"pk": EVERY_TYPE["pk"], "sk": "P#1"})["Item"]
    assert stored == {**EVERY_TYPE, "sk": "P#1", "gsi1pk": "P", "gsi1sk": "1"}


def test_given_items_moving_between_index_partitions_when_paging_the_index_then_each_partition_is_exact(
    table,
):
    for n in range(30):
        table.put_item(Item={"pk": f"T#idx#{n}", "sk": "A", "gsi1pk": f"P#{n % 3}", "gsi1sk": f"{n:04d}"})
    # Move two items to another partition, remove one from the index, delete one.
    table.update_item(
        Key={"pk": "T#idx#0", "sk": "A"},
        UpdateExpression="SET gsi1pk = :p",
        ExpressionAttributeValues={":p": "P#1"},
    )
    table.put_item(Item={"pk": "T#idx#3", "sk": "A", "gsi1pk": "P#2", "gsi1sk": "0003"})
    table.update_item(Key={"pk": "T#idx#6", "sk": "A"}, UpdateExpression="REMOVE gsi1pk")
    table.delete_item(Key={"pk": "T#idx#9", "sk": "A"})

    def paged(partition: str, **kwargs) -> list[str]:
        seen, start = [], None
        while True:
            extra = {"ExclusiveStartKey": start} if start else {}
            page = table.query(
                IndexName="GSI1",
                KeyConditionExpression=Key("gsi1pk").eq(partition),
                Limit=4,
                **kwargs,
                **extra,
            )
            seen += [item["gsi1sk"] for item in page["Items"]]
            start = page.get("LastEvaluatedKey")
            if not start:
                return seen

    assert paged("P#0") == [f"{n:04d}" for n in range(12, 30, 3)]
    assert paged("P#1") == sorted(["0000", *(f"{n:04d}" for n in range(1, 30, 3))])
    assert paged("P#2") == sorted(["0003", *(f"{n:04d}" for n in range(2, 30, 3))])
    assert paged("P#1", ScanIndexForward=False) == sorted(paged("P#1"), reverse=True)
    between = table.query(
        IndexName="GSI1",
        KeyConditionExpression=Key("gsi1pk").eq("P#2") & Key("gsi1sk").between("0005", "0011"),
    )
    assert [item["gsi1sk"] for item in between["Items"]] == ["0005", "0008", "0011"]


def test_given_large_items_when_queried_then_pages_stop_at_one_megabyte_and_resume(table):
    filler = "x" * 100_000
    for n in range(25):
        table.put_item(Item={"pk": "T#big", "sk": f"{n:03d}", "filler": filler})
    table.update_item(
        Key={"pk": "T#big", "sk": "000"},
        UpdateExpression="SET extra = :e",
        ExpressionAttributeValues={":e": filler},
    )
    first = table.query(KeyConditionExpression=Key("pk").eq("T#big"))
    assert 5 <= len(first["Items"]) <= 10  # 1 MB of ~100 KB items (the first is ~200 KB)
    rest = table.query(
        KeyConditionExpression=Key("pk").eq("T#big"), ExclusiveStartKey=first["LastEvaluatedKey"]
    )
    everything = first["Items"] + rest["Items"]
    while "LastEvaluatedKey" in rest:
        rest = table.query(
            KeyConditionExpression=Key("pk").eq("T#big"), ExclusiveStartKey=rest["LastEvaluatedKey"]
        )
        everything += rest["Items"]
    assert [item["sk"] for item in everything] == [f"{n:03d}" for n in range(25)]


def test_given_an_item_over_400_kb_when_written_or_grown_then_it_is_refused(table):
    with pytest.raises(ClientError) as too_large:
        table.put_item(Item={"pk": "T#size", "sk": "1", "filler": "x" * 410_000})
    assert too_large.value.response["Error"]["Code"] == "ValidationException"
    table.put_item(Item={"pk": "T#size", "sk": "1", "filler": "x" * 300_000})
    with pytest.raises(ClientError):
        table.update_item(
            Key={"pk": "T#size", "sk": "1"},
            UpdateExpression="SET more = :m",
            ExpressionAttributeValues={":m": "y" * 150_000},
        )
    table.update_item(
        Key={"pk": "T#size", "sk": "1"},
        UpdateExpression="SET filler = :f",
        ExpressionAttributeValues={":f": "z"},
    )
    table.update_item(
        Key={"pk": "T#size", "sk": "1"},
        UpdateExpression="SET more = :m",
        ExpressionAttributeValues={":m": "y" * 150_000},
    )
    assert len(table.get_item(Key={"pk": "T#size", "sk": "1"})["Item"]["more"]) == 150_000


def test_given_a_cancelled_transaction_then_no_item_it_touched_changed(table):
    client = boto3.client("dynamodb")
    table.put_item(Item={"pk": "T#tx", "sk": "1", "n": 1})
    table.put_item(Item={"pk": "T#tx", "sk": "3", "n": 1})
    with pytest.raises(ClientError) as cancelled:
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "T#tx"}, "sk": {"S": "2"}}}},
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": {"pk": {"S": "T#tx"}, "sk": {"S": "1"}},
                        "UpdateExpression": "SET n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": TABLE,
                        "Key": {"pk": {"S": "T#tx"}, "sk": {"S": "3"}},
                        "ConditionExpression": "n = :nine",
                        "ExpressionAttributeValues": {":nine": {"N": "9"}},
                    }
                },
            ]
        )
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    items = table.query(KeyConditionExpression=Key("pk").eq("T#tx"), ConsistentRead=True)["Items"]
    assert items == [{"pk": "T#tx", "sk": "1", "n": Decimal(1)}, {"pk": "T#tx", "sk": "3", "n": Decimal(1)}]
