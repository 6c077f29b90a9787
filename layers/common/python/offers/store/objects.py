"""Export files in S3: streaming CSV chunks, the whole-file join, manifests, download links.

Memory stays bounded whatever the export's size: rows are encoded a slice at a time into one
part buffer, which goes to S3 as a multipart part once it reaches ``part_size``. Every chunk
is a complete CSV (header row, RFC 4180 quoting by the csv module, CRLF, UTF-8).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from offers.settings import get_settings
from offers.store.clients import client

MIN_PART = 5 * 1024 * 1024  # S3's smallest multipart part (but the last)
_SLICE = 500  # rows encoded per step: large enough to be fast, small enough to honour limits


def s3() -> Any:
    return client("s3")


@lru_cache(maxsize=1)
def _presigner() -> Any:
    """Signs download URLs; may use another endpoint than the data plane (the local server)."""
    import boto3  # noqa: PLC0415 - deferred like every client (cold start)
    from botocore.config import Config  # noqa: PLC0415

    endpoint = get_settings().s3_presign_endpoint or None
    return boto3.client("s3", endpoint_url=endpoint, config=Config(signature_version="s3v4"))


def bucket() -> str:
    return get_settings().exports_bucket


@dataclass(frozen=True)
class Chunk:
    key: str
    rows: int
    bytes: int


def header_bytes(columns: Sequence[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(columns)
    return out.getvalue().encode()


class CsvChunkWriter:
    """Writes rows as CSV chunk objects: a new chunk every ``max_rows`` rows or once a chunk
    has ``max_bytes`` bytes (checked every few hundred rows). ``key_for(n)`` names chunk n."""

    def __init__(
        self,
        columns: Sequence[str],
        key_for: Callable[[int], str],
        *,
        max_rows: int,
        max_bytes: int,
        part_size: int = 8 * 1024 * 1024,
    ):
        self.header = header_bytes(columns)
        self.key_for = key_for
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.part_size = max(part_size, MIN_PART)
        self.chunks: list[Chunk] = []
        self._text = io.StringIO()
        self._writer = csv.writer(self._text, lineterminator="\r\n")
        self._part = bytearray()
        self._upload: dict[str, Any] | None = None
        self._parts: list[dict[str, Any]] = []
        self._rows = 0
        self._bytes = 0
        self._open = False

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == _SLICE:
                self._write_batch(batch)
                batch = []
        if batch:
            self._write_batch(batch)

    def _write_batch(self, rows: list[Sequence[Any]]) -> None:
        while rows:
            if not self._open:
                self._start_chunk()
            room = self.max_rows - self._rows
            taken, rows = rows[:room], rows[room:]
            self._writer.writerows(taken)
            encoded = self._text.getvalue().encode()
            self._text.seek(0)
            self._text.truncate()
            self._part += encoded
            self._rows += len(taken)
            self._bytes += len(encoded)
            if len(self._part) >= self.part_size:
                self._flush_part()
            if self._rows >= self.max_rows or self._bytes >= self.max_bytes:
                self._finish_chunk()

    def close(self) -> list[Chunk]:
        """Finish the last chunk; returns every chunk written (none if no row came)."""
        if self._open:
            self._finish_chunk()
        return self.chunks

    def abort(self) -> None:
        if self._upload is not None:
            s3().abort_multipart_upload(**self._upload)
            self._upload = None

    def _start_chunk(self) -> None:
        self._open = True
        self._rows = 0
        self._part = bytearray(self.header)
        self._bytes = len(self.header)
        self._upload = None
        self._parts = []

    def _flush_part(self) -> None:
        key = self.key_for(len(self.chunks))
        if self._upload is None:
            started = s3().create_multipart_upload(
                Bucket=bucket(), Key=key, ContentType="text/csv; charset=utf-8"
            )
            self._upload = {"Bucket": bucket(), "Key": key, "UploadId": started["UploadId"]}
        number = len(self._parts) + 1
        # the buffer itself, not a bytes() copy of it: a part is up to part_size, so a copy
        # would double the task's peak memory for every large export
        etag = s3().upload_part(**self._upload, PartNumber=number, Body=self._part)["ETag"]
        self._parts.append({"PartNumber": number, "ETag": etag})
        self._part = bytearray()

    def _finish_chunk(self) -> None:
        key = self.key_for(len(self.chunks))
        if self._upload is None:  # the whole chunk fits one buffer: one PUT
            s3().put_object(Bucket=bucket(), Key=key, Body=self._part, ContentType="text/csv; charset=utf-8")
        else:
            if self._part:
                self._flush_part()
            s3().complete_multipart_upload(**self._upload, MultipartUpload={"Parts": self._parts})
        self.chunks.append(Chunk(key=key, rows=self._rows, bytes=self._bytes))
        self._open = False
        self._upload = None
        self._part = bytearray()


def put_bytes(key: str, body: bytes, content_type: str) -> None:
    s3().put_object(Bucket=bucket(), Key=key, Body=body, ContentType=content_type)


def put_json(key: str, document: Any) -> None:
    put_bytes(key, json.dumps(document, separators=(",", ":")).encode(), "application/json")


def get_json(key: str) -> Any:
    return json.loads(s3().get_object(Bucket=bucket(), Key=key)["Body"].read())


def _read_range(key: str, start: int, end: int) -> bytes:
    """Bytes [start, end) of an object."""
    return s3().get_object(Bucket=bucket(), Key=key, Range=f"bytes={start}-{end - 1}")["Body"].read()


def join_chunks(target: str, chunks: Sequence[Chunk], header_length: int) -> int:
    """Concatenate chunks into one CSV with one header row; returns its size in bytes.

    S3 joins server-side (UploadPartCopy with a byte range that skips each later chunk's
    header) wherever a part can be at least 5 MB; smaller pieces are read into a buffer
    until they make a part. Memory stays under two parts.
    """
    if len(chunks) == 1:
        s3().copy_object(Bucket=bucket(), Key=target, CopySource={"Bucket": bucket(), "Key": chunks[0].key})
        return chunks[0].bytes
    upload = s3().create_multipart_upload(Bucket=bucket(), Key=target, ContentType="text/csv; charset=utf-8")
    ids = {"Bucket": bucket(), "Key": target, "UploadId": upload["UploadId"]}
    parts: list[dict[str, Any]] = []
    pending = bytearray()
    total = 0

    def send(body: bytes) -> None:
        etag = s3().upload_part(**ids, PartNumber=len(parts) + 1, Body=body)["ETag"]
        parts.append({"PartNumber": len(parts) + 1, "ETag": etag})

    completed = False
    try:
        for index, chunk in enumerate(chunks):
            start = 0 if index == 0 else header_length
            total += chunk.bytes - start
            if pending and chunk.bytes - start > 0:  # top the buffer up to a full part first
                take = min(MIN_PART - len(pending), chunk.bytes - start)
                pending += _read_range(chunk.key, start, start + take)
                start += take
                if len(pending) >= MIN_PART:
                    send(bytes(pending))
                    pending = bytearray()
            remaining = chunk.bytes - start
            if remaining >= MIN_PART and not pending:
                copied = s3().upload_part_copy(
                    **ids,
                    PartNumber=len(parts) + 1,
                    CopySource={"Bucket": bucket(), "Key": chunk.key},
                    CopySourceRange=f"bytes={start}-{chunk.bytes - 1}",
                )
                parts.append({"PartNumber": len(parts) + 1, "ETag": copied["CopyPartResult"]["ETag"]})
            elif remaining > 0:
                pending += _read_range(chunk.key, start, chunk.bytes)
                if len(pending) >= MIN_PART:
                    send(bytes(pending))
                    pending = bytearray()
        if pending or not parts:
            send(bytes(pending))
        s3().complete_multipart_upload(**ids, MultipartUpload={"Parts": parts})
        completed = True
    finally:
        if not completed:  # leave no half-built file (and no storage billed for its parts)
            s3().abort_multipart_upload(**ids)
    return total


def download_url(
    key: str, filename: str, expires_in: int = 300, content_type: str = "text/csv; charset=utf-8"
) -> str:
    return _presigner().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket(),
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
            "ResponseContentType": content_type,
        },
        ExpiresIn=expires_in,
    )


def delete_prefix(prefix: str) -> int:
    """Delete every object under ``prefix`` (one export's files); returns how many."""
    deleted = 0
    for page in s3().get_paginator("list_objects_v2").paginate(Bucket=bucket(), Prefix=prefix):
        contents = [{"Key": entry["Key"]} for entry in page.get("Contents", [])]
        if contents:
            s3().delete_objects(Bucket=bucket(), Delete={"Objects": contents, "Quiet": True})
            deleted += len(contents)
    return deleted
