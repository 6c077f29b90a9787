"""Settings from the environment, read once per container on first use (never at import).

Reading lazily keeps handler modules importable in tests before the test has set the
environment, and keeps import time (cold start) free of validation work.
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, defer_build=True)  # built on first use

    stage: str = Field("local", alias="STAGE")
    table_name: str = Field(alias="TABLE_NAME")
    exports_bucket: str = Field("", alias="EXPORTS_BUCKET")
    # Signs pagination cursors so a client can neither forge nor edit one.
    cursor_secret: SecretStr = Field(alias="CURSOR_SECRET", min_length=16)

    # AWS SDK: a DynamoDB or S3 call that takes longer than this is retried (then fails).
    aws_read_timeout_seconds: int = Field(5, alias="AWS_READ_TIMEOUT_SECONDS", ge=1, le=300)

    # Coupon codes.
    code_shards: int = Field(
        8, alias="CODE_SHARDS", ge=1, le=64
    )  # write shards of the tenant-wide code index
    sync_code_limit: int = Field(1000, alias="SYNC_CODE_LIMIT", ge=1, le=5000)  # more codes -> async job
    code_worker_function: str = Field("", alias="CODE_WORKER_FUNCTION")

    # Redemptions.
    redemption_shards: int = Field(16, alias="REDEMPTION_SHARDS", ge=1, le=64)
    idempotency_hours: int = Field(24, alias="IDEMPOTENCY_HOURS", ge=1, le=720)

    # Exports.
    export_state_machine_arn: str = Field("", alias="EXPORT_STATE_MACHINE_ARN")
    s3_presign_endpoint: str = Field("", alias="S3_PRESIGN_ENDPOINT")  # local server only
    export_segment_rows: int = Field(250_000, alias="EXPORT_SEGMENT_ROWS", ge=100)  # planning target
    export_max_segments: int = Field(2_000, alias="EXPORT_MAX_SEGMENTS", ge=1, le=10_000)
    export_chunk_rows: int = Field(1_000_000, alias="EXPORT_CHUNK_ROWS", ge=1)
    export_chunk_megabytes: int = Field(256, alias="EXPORT_CHUNK_MEGABYTES", ge=6)
    export_segment_concurrency: int = Field(16, alias="EXPORT_SEGMENT_CONCURRENCY", ge=1, le=1000)
    export_sample_size: int = Field(250, alias="EXPORT_SAMPLE_SIZE", ge=10, le=10_000)

    # Export schedules: EventBridge Scheduler schedules in one group per stage, each invoking
    # the run-schedule function with the role Scheduler assumes; failed firings go to the DLQ.
    schedule_group: str = Field("default", alias="SCHEDULE_GROUP")
    schedule_target_arn: str = Field("", alias="SCHEDULE_TARGET_ARN")
    schedule_role_arn: str = Field("", alias="SCHEDULE_ROLE_ARN")
    schedule_dead_letter_arn: str = Field("", alias="SCHEDULE_DEAD_LETTER_ARN")

    # Export-end notifications: EventBridge events, and webhooks delivered from a queue, retried
    # with exponential backoff (base * 2^n, at most max) until an attempt fails after the window.
    event_bus_name: str = Field("default", alias="EVENT_BUS_NAME")
    webhook_queue_url: str = Field("", alias="WEBHOOK_QUEUE_URL")
    webhook_dead_letter_queue_url: str = Field("", alias="WEBHOOK_DEAD_LETTER_QUEUE_URL")
    webhook_retry_base_seconds: int = Field(30, alias="WEBHOOK_RETRY_BASE_SECONDS", ge=1, le=900)
    webhook_retry_max_seconds: int = Field(3600, alias="WEBHOOK_RETRY_MAX_SECONDS", ge=1, le=86400)
    webhook_retry_window_seconds: int = Field(86400, alias="WEBHOOK_RETRY_WINDOW_SECONDS", ge=1)
    webhook_timeout_seconds: int = Field(10, alias="WEBHOOK_TIMEOUT_SECONDS", ge=1, le=30)
    # Local runs only: webhooks may be plain http to a loopback address (a developer's receiver).
    webhook_allow_loopback: bool = Field(False, alias="WEBHOOK_ALLOW_LOOPBACK")

    # Token verification (the Lambda authorizer).
    jwt_issuer: str = Field("", alias="JWT_ISSUER")
    jwt_audience: str = Field("", alias="JWT_AUDIENCE")
    jwks_url: str = Field("", alias="JWKS_URL")
    # Inline JWKS document; takes precedence over JWKS_URL (tests, air-gapped setups).
    jwks_json: str = Field("", alias="JWKS_JSON")
    tenant_claim: str = Field("tenant_id", alias="TENANT_CLAIM")
    jwt_leeway_seconds: int = Field(60, alias="JWT_LEEWAY_SECONDS", ge=0, le=600)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.model_validate(dict(os.environ))
