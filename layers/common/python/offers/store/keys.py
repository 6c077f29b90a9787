"""Every DynamoDB key format of the service, and nothing else.

Rules that keep tenants apart by construction:
* every partition key starts with ``T#<tenant>#``;
* values that come from clients (codes, order ids, user ids) are escaped with ``part`` so
  they can never contain the ``#`` separator and so never reach into another key space.

The access patterns these keys serve are listed in docs/data-model.md.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable, Mapping
from typing import Any

Key = dict[str, Any]

PK = "pk"
SK = "sk"
TTL_ATTRIBUTE = "expiresAt"


def part(value: str) -> str:
    """Escape a client-supplied value for use inside a key."""
    return value.replace("%", "%25").replace("#", "%23")


def tenant_prefix(tenant_id: str) -> str:
    return f"T#{part(tenant_id)}#"


# -- promotions -------------------------------------------------------------------------------
# All of a tenant's promotions form one item collection, sorted by id (ids are time-ordered).


def promotions_partition(tenant_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}PROMO"


PROMOTION_SK_PREFIX = "PROMO#"


def promotion_key(tenant_id: str, promotion_id: str) -> Key:
    return {PK: promotions_partition(tenant_id), SK: f"{PROMOTION_SK_PREFIX}{promotion_id}"}


def promo_id_counter_key(tenant_id: str) -> Key:
    """The per-tenant sequence behind the numeric ``promoId``."""
    return {PK: f"{tenant_prefix(tenant_id)}COUNTER", SK: "PROMO_ID"}


def tenant_stats_key(tenant_id: str) -> Key:
    """Per-tenant counters kept transactionally with the items they count (e.g. promotions)."""
    return {PK: f"{tenant_prefix(tenant_id)}STATS", SK: "STATS"}


# -- promotion search indexes -------------------------------------------------------------------
# Five sparse GSIs, one per sort order. Their partition splits a tenant's promotions into
# enabled and disabled ones, so a search for DISABLED reads only those and the date indexes
# serve ACTIVE / SCHEDULED / EXPIRED without touching disabled promotions.
#
# A sort key is ``<value><separator><id>``: the id makes it unique and breaks ties, so the
# index order is total. Timestamps (fixed width) and levels (two digits) use ``#``. A name
# varies in length, so its value ends in ``NAME_END`` (U+001F), which sorts below every
# character a search name can hold (whitespace, U+001F included, is collapsed to one space):
# "black" then sorts before "black friday", as it would in a dictionary, where ``#`` would put
# it after.

SEARCH_PARTITION = "psPk"
OPEN_END = "9999-12-31T23:59:59.999Z"  # a promotion without endAt sorts after every real date
NAME_END = "\x1f"


def search_name(name: str) -> str:
    """The form names are compared and sorted in: case-folded, single-spaced, escaped."""
    return part(" ".join(name.casefold().split()))


def search_level(level: int) -> str:
    return f"{level:02d}"


def _timestamp(value: str) -> str:
    return value


class SearchIndex:
    """One promotion search index: its name, its sort-key attribute, and how a promotion's
    field (``field``, as stored: API name, timestamps as text) becomes that sort key."""

    def __init__(
        self,
        name: str,
        sort_attribute: str,
        field: str,
        encode: Callable[[Any], str] = _timestamp,
        *,
        separator: str = "#",
        missing: str | None = None,
    ):
        self.name = name
        self.sort_attribute = sort_attribute
        self.field = field
        self._encode = encode
        self._separator = separator
        self._missing = missing

    def value(self, raw: Any) -> str:
        """The leading part of the sort key for a field value; also a range bound: every key
        of a value >= ``raw`` is >= it, every key of a value < ``raw`` is < it."""
        if raw is None:
            if self._missing is None:
                raise ValueError(f"{self.field} is required by {self.name}")
            return self._missing
        return self._encode(raw)

    def prefix(self, raw: Any) -> str:
        """What every sort key of exactly this value begins with (for ``begins_with``)."""
        return f"{self.value(raw)}{self._separator}"

    def sort_key(self, promotion: Mapping[str, Any]) -> str:
        """The key this index sorts a promotion by, from the promotion's stored fields."""
        return f"{self.prefix(promotion.get(self.field))}{promotion['id']}"


SEARCH_BY_UPDATED = SearchIndex("PromoByUpdatedAt", "psUpdated", "updatedAt")
SEARCH_BY_NAME = SearchIndex("PromoByName", "psName", "name", search_name, separator=NAME_END)
SEARCH_BY_START = SearchIndex("PromoByStart", "psStart", "startAt")
SEARCH_BY_END = SearchIndex("PromoByEnd", "psEnd", "endAt", missing=OPEN_END)
SEARCH_BY_LEVEL = SearchIndex("PromoByLevel", "psLevel", "level", search_level)
SEARCH_INDEXES = (SEARCH_BY_UPDATED, SEARCH_BY_NAME, SEARCH_BY_START, SEARCH_BY_END, SEARCH_BY_LEVEL)


def search_partition(tenant_id: str, *, enabled: bool) -> str:
    return f"{tenant_prefix(tenant_id)}PS#{'E' if enabled else 'D'}"


def search_updated(updated_at: str, promotion_id: str) -> str:
    return SEARCH_BY_UPDATED.sort_key({"id": promotion_id, "updatedAt": updated_at})


def search_end(end_at: str | None, promotion_id: str) -> str:
    return SEARCH_BY_END.sort_key({"id": promotion_id, "endAt": end_at})


def search_attributes(
    tenant_id: str,
    *,
    promotion_id: str,
    name: str,
    enabled: bool,
    updated_at: str,
    start_at: str,
    end_at: str | None,
    level: int,
) -> dict[str, str]:
    """The index attributes a promotion item carries; sort keys end in the id (unique)."""
    fields = {
        "id": promotion_id,
        "name": name,
        "updatedAt": updated_at,
        "startAt": start_at,
        "endAt": end_at,
        "level": level,
    }
    return {
        SEARCH_PARTITION: search_partition(tenant_id, enabled=enabled),
        **{index.sort_attribute: index.sort_key(fields) for index in SEARCH_INDEXES},
    }


# -- coupon codes -------------------------------------------------------------------------------
# A code is its own item, keyed by the code, so "unique per tenant" is a conditional put
# (attribute_not_exists) and a redemption finds it with one GetItem.
# GSI1: a coupon's codes by creation; GSI2: a customer's assigned codes; GSI3: all of a
# tenant's codes, write-sharded so generating 100,000 codes never heats one partition.

GSI1 = ("GSI1", "gsi1pk", "gsi1sk")
GSI2 = ("GSI2", "gsi2pk", "gsi2sk")
GSI3 = ("GSI3", "gsi3pk", "gsi3sk")


def code_key(tenant_id: str, code: str) -> Key:
    return {PK: f"{tenant_prefix(tenant_id)}CODE#{part(code)}", SK: "CODE"}


def coupon_codes_partition(tenant_id: str, coupon_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}CC#{coupon_id}"


def user_codes_partition(tenant_id: str, user_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}CU#{part(user_id)}"


def tenant_codes_partition(tenant_id: str, shard: int) -> str:
    return f"{tenant_prefix(tenant_id)}CODES#S{shard:02d}"


def code_shard(code: str, shards: int) -> int:
    """Stable across processes (unlike hash()): the shard a code's tenant-wide entry lives in."""
    return zlib.crc32(code.encode()) % shards


def code_time_key(created_at: str, code: str) -> str:
    return f"{created_at}#{part(code)}"


def code_index_attributes(
    tenant_id: str, *, code: str, coupon_id: str, user_id: str | None, created_at: str, shards: int
) -> dict[str, str]:
    sort_key = code_time_key(created_at, code)
    attributes = {
        GSI1[1]: coupon_codes_partition(tenant_id, coupon_id),
        GSI1[2]: sort_key,
        GSI3[1]: tenant_codes_partition(tenant_id, code_shard(code, shards)),
        GSI3[2]: sort_key,
    }
    if user_id:  # sparse: only assigned codes are in the customer index
        attributes[GSI2[1]] = user_codes_partition(tenant_id, user_id)
        attributes[GSI2[2]] = sort_key
    return attributes


def code_generation_key(tenant_id: str, coupon_id: str, generation_id: str) -> Key:
    """A code generation job; lives in the coupon's own collection."""
    return {PK: f"{tenant_prefix(tenant_id)}GEN#{coupon_id}", SK: f"GEN#{generation_id}"}


# -- redemptions ----------------------------------------------------------------------------------
# A redemption is one item keyed by its id (GetItem). The ledger (GSI1) and the per-promotion
# index (GSI2) are write-sharded: a peak-day tenant, or one hot promotion, writes more than a
# partition takes (1,000 writes/s), so entries spread over REDEMPTION_SHARDS partitions and
# lists merge them by sort key. Per-customer, per-code, per-order and per-email indexes are
# not hot and stay in one partition each.

GSI4 = ("GSI4", "gsi4pk", "gsi4sk")
GSI5 = ("GSI5", "gsi5pk", "gsi5sk")
GSI6 = ("GSI6", "gsi6pk", "gsi6sk")


def redemption_key(tenant_id: str, redemption_id: str) -> Key:
    return {PK: f"{tenant_prefix(tenant_id)}R#{redemption_id}", SK: "R"}


def redemption_shard(redemption_id: str, shards: int) -> int:
    return zlib.crc32(redemption_id.encode()) % shards


def redemption_ledger_partition(tenant_id: str, shard: int) -> str:
    return f"{tenant_prefix(tenant_id)}RDM#S{shard:02d}"


def redemption_promotion_partition(tenant_id: str, promotion_id: str, shard: int) -> str:
    return f"{tenant_prefix(tenant_id)}RP#{promotion_id}#S{shard:02d}"


def redemption_user_partition(tenant_id: str, user_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}RU#{part(user_id)}"


def redemption_code_partition(tenant_id: str, code: str) -> str:
    return f"{tenant_prefix(tenant_id)}RC#{part(code)}"


def redemption_order_partition(tenant_id: str, order_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}RO#{part(order_id)}"


def redemption_email_partition(tenant_id: str, email: str) -> str:
    return f"{tenant_prefix(tenant_id)}RE#{part(email.casefold())}"


def redemption_time_key(redeemed_at: str, redemption_id: str) -> str:
    return f"{redeemed_at}#{redemption_id}"


def redemption_index_attributes(
    tenant_id: str,
    *,
    redemption_id: str,
    promotion_id: str,
    redeemed_at: str,
    user_id: str | None,
    coupon_code: str | None,
    order_id: str,
    email: str | None,
    shards: int,
) -> dict[str, str]:
    shard = redemption_shard(redemption_id, shards)
    sort_key = redemption_time_key(redeemed_at, redemption_id)
    attributes = {
        GSI1[1]: redemption_ledger_partition(tenant_id, shard),
        GSI2[1]: redemption_promotion_partition(tenant_id, promotion_id, shard),
        GSI5[1]: redemption_order_partition(tenant_id, order_id),
    }
    if user_id:
        attributes[GSI3[1]] = redemption_user_partition(tenant_id, user_id)
    if coupon_code:
        attributes[GSI4[1]] = redemption_code_partition(tenant_id, coupon_code)
    if email:
        attributes[GSI6[1]] = redemption_email_partition(tenant_id, email)
    for index in (GSI1, GSI2, GSI3, GSI4, GSI5, GSI6):
        if index[1] in attributes:
            attributes[index[2]] = sort_key
    return attributes


# Usage counters: one item per limit scope, conditionally incremented in the redemption's
# transaction. Kept apart from the promotion so a PUT never touches them.


def site_usage_key(tenant_id: str, promotion_id: str) -> Key:
    return {PK: f"{tenant_prefix(tenant_id)}USE#{promotion_id}", SK: "SITE"}


def customer_usage_key(tenant_id: str, promotion_id: str, customer: str) -> Key:
    return {PK: f"{tenant_prefix(tenant_id)}USE#{promotion_id}#C#{part(customer)}", SK: "CUSTOMER"}


def order_usage_key(tenant_id: str, promotion_id: str, order_id: str) -> Key:
    return {PK: f"{tenant_prefix(tenant_id)}USE#{promotion_id}#O#{part(order_id)}", SK: "ORDER"}


def idempotency_key(tenant_id: str, operation: str, key: str) -> Key:
    """A client's idempotency key, per tenant and operation, stored hashed (keys are free text)."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    return {PK: f"{tenant_prefix(tenant_id)}IDEM#{operation}#{digest}", SK: "IDEM"}


# -- exports ----------------------------------------------------------------------------------------
# Export records live in one collection per tenant (newest first by id); each export's
# segments in its own. S3 object keys are built here too: every object of an export sits
# under the tenant's own prefix, so a key can never point into another tenant's files.


def exports_partition(tenant_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}EXPORT"


EXPORT_SK_PREFIX = "EXP#"


V1_EXPORT_ID_PREFIX = "exp_"  # Voucherify-dialect export ids; fabric's are 24 hex characters


def v1_exports_partition(tenant_id: str) -> str:
    """Voucherify-dialect exports: a collection of their own, so each dialect lists its own."""
    return f"{tenant_prefix(tenant_id)}V1EXPORT"


def export_partition_of(tenant_id: str, export_id: str) -> str:
    if export_id.startswith(V1_EXPORT_ID_PREFIX):
        return v1_exports_partition(tenant_id)
    return exports_partition(tenant_id)


def export_key(tenant_id: str, export_id: str) -> Key:
    return {PK: export_partition_of(tenant_id, export_id), SK: f"{EXPORT_SK_PREFIX}{export_id}"}


def export_segments_partition(tenant_id: str, export_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}EXPORT#{export_id}"


SEGMENT_SK_PREFIX = "SEG#"


def export_segment_key(tenant_id: str, export_id: str, segment_id: str) -> Key:
    return {PK: export_segments_partition(tenant_id, export_id), SK: f"{SEGMENT_SK_PREFIX}{segment_id}"}


def export_prefix(tenant_id: str, export_id: str) -> str:
    """The S3 prefix of everything one export writes (lifecycle rules expire exports/)."""
    return f"exports/{part(tenant_id)}/{export_id}/"


def export_plan_object(tenant_id: str, export_id: str) -> str:
    return f"{export_prefix(tenant_id, export_id)}plan.json"


def export_manifest_object(tenant_id: str, export_id: str) -> str:
    return f"{export_prefix(tenant_id, export_id)}manifest.json"


def export_chunk_object(tenant_id: str, export_id: str, segment_id: str, chunk: int) -> str:
    """Deterministic: a retried segment writes exactly the keys its first attempt wrote."""
    return f"{export_prefix(tenant_id, export_id)}chunks/{segment_id}/part-{chunk:05d}.csv"


def export_file_object(tenant_id: str, export_id: str) -> str:
    """The whole export as one file."""
    return f"{export_prefix(tenant_id, export_id)}{export_id}.csv"


# -- key sizes ---------------------------------------------------------------------------------
# DynamoDB refuses a partition key over 2,048 bytes and a sort key over 1,024 (table and index
# keys alike) with a ValidationException. Request models bound every value that becomes a key
# part well below that; this is the check the store makes before any call, so a value that
# slips through is a 400, never a 500.

MAX_PARTITION_KEY_BYTES = 2048
MAX_SORT_KEY_BYTES = 1024
_GSIS = (GSI1, GSI2, GSI3, GSI4, GSI5, GSI6)
_PARTITION_KEY_ATTRIBUTES = frozenset({PK, SEARCH_PARTITION, *(gsi[1] for gsi in _GSIS)})
_SORT_KEY_ATTRIBUTES = frozenset(
    {SK, *(index.sort_attribute for index in SEARCH_INDEXES), *(gsi[2] for gsi in _GSIS)}
)


def key_size_limit(attribute: str) -> int | None:
    """The byte limit of a table or index key attribute; None for other attributes."""
    if attribute in _PARTITION_KEY_ATTRIBUTES:
        return MAX_PARTITION_KEY_BYTES
    if attribute in _SORT_KEY_ATTRIBUTES:
        return MAX_SORT_KEY_BYTES
    return None


def oversize_key_attribute(item: Mapping[str, Any]) -> str | None:
    """The first key attribute of ``item`` (a key or a whole item) too long for DynamoDB."""
    for attribute, value in item.items():
        limit = key_size_limit(attribute)
        if limit is not None and isinstance(value, str) and len(value.encode()) > limit:
            return attribute
    return None


# -- export schedules -------------------------------------------------------------------------------
# A tenant's schedules form one collection (newest first by id); each schedule's runs its own,
# sorted by scheduled time, one item per (schedule, scheduled time): the run's idempotency key.


def schedules_partition(tenant_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}SCHEDULE"


SCHEDULE_SK_PREFIX = "SCH#"


def schedule_key(tenant_id: str, schedule_id: str) -> Key:
    return {PK: schedules_partition(tenant_id), SK: f"{SCHEDULE_SK_PREFIX}{part(schedule_id)}"}


def schedule_runs_partition(tenant_id: str, schedule_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}SCHEDULE#{part(schedule_id)}"


SCHEDULE_RUN_SK_PREFIX = "RUN#"


def schedule_run_key(tenant_id: str, schedule_id: str, scheduled_time: str) -> Key:
    sort_key = f"{SCHEDULE_RUN_SK_PREFIX}{scheduled_time}"
    return {PK: schedule_runs_partition(tenant_id, schedule_id), SK: sort_key}


_SCHEDULER_NAME_SAFE = re.compile(r"^[0-9A-Za-z_]{1,38}$")


def scheduler_schedule_name(tenant_id: str, schedule_id: str) -> str:
    """The EventBridge Scheduler name (``[0-9A-Za-z-_.]{1,64}``, unique per group): the tenant,
    then the schedule id. A tenant id with other characters is replaced by a digest, prefixed
    ``h.`` so it can't equal a plain tenant id; the ``-`` separator never occurs in either part."""
    tenant = tenant_id
    if not _SCHEDULER_NAME_SAFE.match(tenant_id):
        tenant = "h." + hashlib.sha256(tenant_id.encode()).hexdigest()[:30]
    return f"{tenant}-{schedule_id}"


# -- webhooks ------------------------------------------------------------------------------------
# A tenant's webhooks form one collection (read whole when an export ends: a handful per tenant);
# each webhook's deliveries its own, one item per event (the event id sorts by export id, which
# is time-ordered), so a duplicated event never makes a second delivery.


def webhooks_partition(tenant_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}WEBHOOK"


WEBHOOK_SK_PREFIX = "WH#"


def webhook_key(tenant_id: str, webhook_id: str) -> Key:
    return {PK: webhooks_partition(tenant_id), SK: f"{WEBHOOK_SK_PREFIX}{part(webhook_id)}"}


def webhook_deliveries_partition(tenant_id: str, webhook_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}WEBHOOK#{part(webhook_id)}"


DELIVERY_SK_PREFIX = "DLV#"


def webhook_delivery_key(tenant_id: str, webhook_id: str, event_id: str) -> Key:
    return {
        PK: webhook_deliveries_partition(tenant_id, webhook_id),
        SK: f"{DELIVERY_SK_PREFIX}{part(event_id)}",
    }


# -- pricing --------------------------------------------------------------------------------------
# The price engine loads a tenant's promotions that have not ended by the moment it prices at
# with one Query on GSI6 (promotions carry gsi6pk/gsi6sk; sort key = end, open end last).
# Price lists live in one collection per tenant (sorted by numeric id), listed by update time
# on GSI1; the default list is a pointer item changed in the same transaction as the lists.
# Each item's price in a list is stored twice in the list's partition, under its item id and
# under its SKU, so the engine reads either identifier with one BatchGet.


def pricing_promotions_partition(tenant_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}PRICING"


def pricing_promotion_end(end_at: str | None, promotion_id: str) -> str:
    return f"{end_at or OPEN_END}#{promotion_id}"


def pricing_promotion_attributes(tenant_id: str, promotion_id: str, end_at: str | None) -> dict[str, str]:
    return {
        GSI6[1]: pricing_promotions_partition(tenant_id),
        GSI6[2]: pricing_promotion_end(end_at, promotion_id),
    }


def price_lists_partition(tenant_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}PRICELIST"


PRICE_LIST_SK_PREFIX = "PL#"


def price_list_sort(price_list_id: int) -> str:
    return f"{PRICE_LIST_SK_PREFIX}{price_list_id:012d}"


def price_list_key(tenant_id: str, price_list_id: int) -> Key:
    return {PK: price_lists_partition(tenant_id), SK: price_list_sort(price_list_id)}


def default_price_list_key(tenant_id: str) -> Key:
    """Points at the tenant's default list (attribute ``priceListId``)."""
    return {PK: price_lists_partition(tenant_id), SK: "DEFAULT"}


def price_list_id_counter_key(tenant_id: str) -> Key:
    return {PK: f"{tenant_prefix(tenant_id)}COUNTER", SK: "PRICE_LIST_ID"}


def price_list_updated_partition(tenant_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}PLU"


def price_list_index_attributes(tenant_id: str, price_list_id: int, updated_at: str) -> dict[str, str]:
    return {
        GSI1[1]: price_list_updated_partition(tenant_id),
        GSI1[2]: f"{updated_at}#{price_list_id:012d}",
    }


def prices_partition(tenant_id: str, price_list_id: int) -> str:
    return f"{tenant_prefix(tenant_id)}PRICE#{price_list_id}"


PRICE_ITEM_SK_PREFIX = "ITEM#"


def price_count_key(tenant_id: str, price_list_id: int) -> Key:
    """How many items the list prices (attribute ``prices``), moved by every create and delete."""
    return {PK: prices_partition(tenant_id, price_list_id), SK: "COUNT"}


def price_item_sort(item_id: int) -> str:
    return f"{PRICE_ITEM_SK_PREFIX}{item_id:012d}"


def price_item_key(tenant_id: str, price_list_id: int, item_id: int) -> Key:
    return {PK: prices_partition(tenant_id, price_list_id), SK: price_item_sort(item_id)}


def price_sku_key(tenant_id: str, price_list_id: int, sku: str) -> Key:
    return {PK: prices_partition(tenant_id, price_list_id), SK: f"SKU#{part(sku)}"}


# -- app keys (Voucherify credentials) ------------------------------------------------------------
# An app id begins with its tenant (``<tenant>.<random>``), so the authorizer reads the key from
# the tenant's own partition: no global lookup table, and a forged app id naming another tenant
# only ever reaches that tenant's keys, whose token hashes it cannot match.

APP_KEY_SEPARATOR = "."
APP_KEY_SK_PREFIX = "APPKEY#"


def app_keys_partition(tenant_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}APPKEYS"


def app_key_key(tenant_id: str, app_id: str) -> Key:
    return {PK: app_keys_partition(tenant_id), SK: f"{APP_KEY_SK_PREFIX}{part(app_id)}"}


def app_key_tenant(app_id: str) -> str | None:
    """The tenant an app id names, or None when it is not an app id of ours."""
    tenant_id, separator, rest = app_id.partition(APP_KEY_SEPARATOR)
    return tenant_id if separator and rest and len(tenant_id) == 24 else None


# -- customers (Voucherify dialect) -----------------------------------------------------------------
# One item per customer, keyed by its id (``cust_`` + a digest of its source_id, so a source_id
# finds its customer with one GetItem). GSI1 lists a tenant's customers by creation, write-sharded
# like the ledger: redemptions update their customer's totals at the ledger's rate.

CUSTOMER_SHARDS = 16


def customer_key(tenant_id: str, customer_id: str) -> Key:
    return {PK: f"{tenant_prefix(tenant_id)}CUST#{part(customer_id)}", SK: "CUSTOMER"}


def customers_partition(tenant_id: str, shard: int) -> str:
    return f"{tenant_prefix(tenant_id)}CUSTS#S{shard:02d}"


def customer_index_attributes(tenant_id: str, customer_id: str, created_at: str) -> dict[str, str]:
    shard = zlib.crc32(customer_id.encode()) % CUSTOMER_SHARDS
    return {GSI1[1]: customers_partition(tenant_id, shard), GSI1[2]: f"{created_at}#{part(customer_id)}"}


# -- publications (Voucherify dialect) --------------------------------------------------------------
# A publication is one assignment of a code to a customer. GSI1 lists a tenant's publications by
# creation in one partition (assignments are far rarer than redemptions).


def publication_key(tenant_id: str, publication_id: str) -> Key:
    return {PK: f"{tenant_prefix(tenant_id)}PUB#{publication_id}", SK: "PUBLICATION"}


def publications_partition(tenant_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}PUBS"


def publication_code_partition(tenant_id: str, code: str) -> str:
    return f"{tenant_prefix(tenant_id)}PUBV#{part(code)}"


def publication_customer_partition(tenant_id: str, customer_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}PUBC#{part(customer_id)}"


def publication_campaign_partition(tenant_id: str, campaign_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}PUBG#{part(campaign_id)}"


def publication_source_partition(tenant_id: str, source_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}PUBS#{part(source_id)}"


def publication_index_attributes(
    tenant_id: str,
    publication_id: str,
    created_at: str,
    *,
    code: str | None = None,
    customer_id: str | None = None,
    campaign_id: str | None = None,
    source_id: str | None = None,
) -> dict[str, str]:
    """GSI1: all of a tenant's publications; GSI2-5: one code's, customer's, campaign's, or
    publication source_id's (the GET /v1/publications filters and publication export filters)."""
    sort_key = f"{created_at}#{publication_id}"
    attributes = {GSI1[1]: publications_partition(tenant_id), GSI1[2]: sort_key}
    for index, value, partition in (
        (GSI2, code, publication_code_partition),
        (GSI3, customer_id, publication_customer_partition),
        (GSI4, campaign_id, publication_campaign_partition),
        (GSI5, source_id, publication_source_partition),
    ):
        if value:
            attributes[index[1]], attributes[index[2]] = partition(tenant_id, value), sort_key
    return attributes


# -- metadata keys found (Voucherify dialect) -------------------------------------------------------
# Per tenant and exported object, the set of metadata keys ever stored, so an export of the
# ``metadata`` field knows its columns from one BatchGet instead of a pass over the data.
# Write-sharded (redemptions add to it at the ledger's rate); an export reads every shard.

METADATA_KEY_SHARDS = 8


def metadata_keys_key(tenant_id: str, exported_object: str, shard: int) -> Key:
    return {PK: f"{tenant_prefix(tenant_id)}MDKEYS#{exported_object}#S{shard:02d}", SK: "MDKEYS"}


def metadata_keys_shard(seed: str) -> int:
    return zlib.crc32(seed.encode()) % METADATA_KEY_SHARDS


# -- gift cards and loyalty cards (Voucherify dialect) ---------------------------------------------
# A card campaign is one item (plus a name pointer, written in the same transaction, so names are
# unique and GET /v1/campaigns/{name} is two GetItems). A card and everything that belongs to it
# live in ONE partition, ``T#<t>#CARD#<code>``:
#   CARD                       the card: balance, total, version (bumped by every change)
#   TX#<version, 12 digits>    its ledger: one item per balance change, in created order
#   SRC#<sha256(source_id)>    a balance change's source_id, so a repeat changes nothing
#   PB#<expiresAt>#<bucketId>  loyalty points that expire, oldest-expiring first (active)
#   PX#<expiresAt>#<bucketId>  a bucket that expired (its remaining points left in one POINTS_EXPIRATION)
# So a spend reads the card and its active buckets with one Query (``sk BETWEEN CARD AND PB#~``),
# and writes one transaction conditioned on the card's version: nothing is read-then-written.
# Indexes, all sparse: GSI1 a campaign's cards / transactions (sharded) / buckets (sharded);
# GSI2 a tenant's transactions (sharded); GSI3 a tenant's cards (sharded) and, for active
# buckets only, the expiry queue the scheduled job reads (one index for every tenant: the job
# serves them all; each entry names its tenant and card, and nothing on a request path reads it).

CARD_SHARDS = 16
CARD_SK = "CARD"
CARD_TRANSACTION_SK_PREFIX = "TX#"
CARD_SOURCE_SK_PREFIX = "SRC#"
POINTS_BUCKET_SK_PREFIX = "PB#"
EXPIRED_BUCKET_SK_PREFIX = "PX#"
CARD_AND_BUCKETS_END = "PB#~"  # '~' sorts after every expiry timestamp: the last active bucket


def card_campaign_key(tenant_id: str, campaign_id: str) -> Key:
    return {PK: f"{tenant_prefix(tenant_id)}CAMPAIGN#{part(campaign_id)}", SK: "CAMPAIGN"}


def card_campaign_name_key(tenant_id: str, name: str) -> Key:
    """The pointer from a campaign's name to its id (attribute ``campaignId``)."""
    return {PK: f"{tenant_prefix(tenant_id)}CAMPNAME#{part(name)}", SK: "CAMPNAME"}


def card_generation_key(tenant_id: str, campaign_id: str) -> Key:
    """The job generating a campaign's ``vouchers_count`` cards (progress, as code generations)."""
    return {PK: f"{tenant_prefix(tenant_id)}CAMPAIGN#{part(campaign_id)}", SK: "GENERATION"}


def card_partition(tenant_id: str, code: str) -> str:
    return f"{tenant_prefix(tenant_id)}CARD#{part(code)}"


def card_key(tenant_id: str, code: str) -> Key:
    return {PK: card_partition(tenant_id, code), SK: CARD_SK}


def card_id_key(tenant_id: str, voucher_id: str) -> Key:
    """The pointer from a card's ``v_`` id to its code (attribute ``code``): the API takes either."""
    return {PK: f"{tenant_prefix(tenant_id)}VOUCHERID#{part(voucher_id)}", SK: "VOUCHERID"}


def card_shard(code: str) -> int:
    return zlib.crc32(code.encode()) % CARD_SHARDS


def card_transaction_sort(version: int) -> str:
    return f"{CARD_TRANSACTION_SK_PREFIX}{version:012d}"


def card_transaction_key(tenant_id: str, code: str, version: int) -> Key:
    """The ledger entry that moved the card to ``version`` (1 = its creation's balance)."""
    return {PK: card_partition(tenant_id, code), SK: card_transaction_sort(version)}


def card_source_key(tenant_id: str, code: str, source_id: str) -> Key:
    digest = hashlib.sha256(source_id.encode()).hexdigest()
    return {PK: card_partition(tenant_id, code), SK: f"{CARD_SOURCE_SK_PREFIX}{digest}"}


def points_bucket_sort(expires_at: str, bucket_id: str, *, expired: bool = False) -> str:
    prefix = EXPIRED_BUCKET_SK_PREFIX if expired else POINTS_BUCKET_SK_PREFIX
    return f"{prefix}{expires_at}#{bucket_id}"


def points_bucket_key(
    tenant_id: str, code: str, expires_at: str, bucket_id: str, *, expired: bool = False
) -> Key:
    return {
        PK: card_partition(tenant_id, code),
        SK: points_bucket_sort(expires_at, bucket_id, expired=expired),
    }


def campaign_cards_partition(tenant_id: str, campaign_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}CCARD#{part(campaign_id)}"


def tenant_cards_partition(tenant_id: str, shard: int) -> str:
    return f"{tenant_prefix(tenant_id)}CARDS#S{shard:02d}"


def card_index_attributes(
    tenant_id: str, *, code: str, campaign_id: str | None, created_at: str
) -> dict[str, str]:
    sort_key = f"{created_at}#{part(code)}"
    attributes = {GSI3[1]: tenant_cards_partition(tenant_id, card_shard(code)), GSI3[2]: sort_key}
    if campaign_id:
        attributes[GSI1[1]] = campaign_cards_partition(tenant_id, campaign_id)
        attributes[GSI1[2]] = sort_key
    return attributes


def campaign_transactions_partition(tenant_id: str, campaign_id: str, shard: int) -> str:
    return f"{tenant_prefix(tenant_id)}CTX#{part(campaign_id)}#S{shard:02d}"


def tenant_transactions_partition(tenant_id: str, shard: int) -> str:
    return f"{tenant_prefix(tenant_id)}VTX#S{shard:02d}"


def card_transaction_time_key(created_at: str, code: str, version: int) -> str:
    """Index sort key of a transaction: created order, ties by card and ledger position."""
    return f"{created_at}#{part(code)}#{version:012d}"


def card_transaction_index_attributes(
    tenant_id: str, *, code: str, campaign_id: str | None, created_at: str, version: int
) -> dict[str, str]:
    shard = card_shard(code)
    sort_key = card_transaction_time_key(created_at, code, version)
    attributes = {GSI2[1]: tenant_transactions_partition(tenant_id, shard), GSI2[2]: sort_key}
    if campaign_id:
        attributes[GSI1[1]] = campaign_transactions_partition(tenant_id, campaign_id, shard)
        attributes[GSI1[2]] = sort_key
    return attributes


def campaign_buckets_partition(tenant_id: str, campaign_id: str, shard: int) -> str:
    return f"{tenant_prefix(tenant_id)}PBC#{part(campaign_id)}#S{shard:02d}"


def tenant_buckets_partition(tenant_id: str, shard: int) -> str:
    """All of a tenant's points buckets by expiry (GSI2; the tenant-wide points_expiration export)."""
    return f"{tenant_prefix(tenant_id)}PBT#S{shard:02d}"


def points_expiry_partition(shard: int) -> str:
    """The expiry queue of every tenant's active buckets (read only by the scheduled job)."""
    return f"PTSEXP#S{shard:02d}"


def points_bucket_index_attributes(
    tenant_id: str, *, code: str, campaign_id: str | None, expires_at: str, bucket_id: str, active: bool
) -> dict[str, str]:
    """GSI1: the campaign's buckets by expiry, GSI2: the tenant's (the points_expiration export);
    GSI3, while the bucket is active: the expiry queue, sorted by expiry, so the job reads
    ``sk < now``."""
    shard = card_shard(code)
    by_expiry = f"{expires_at}#{part(code)}#{bucket_id}"
    attributes: dict[str, str] = {GSI2[1]: tenant_buckets_partition(tenant_id, shard), GSI2[2]: by_expiry}
    if campaign_id:
        attributes[GSI1[1]] = campaign_buckets_partition(tenant_id, campaign_id, shard)
        attributes[GSI1[2]] = by_expiry
    if active:
        attributes[GSI3[1]] = points_expiry_partition(shard)
        attributes[GSI3[2]] = f"{expires_at}#{part(tenant_id)}#{part(code)}#{bucket_id}"
    return attributes
