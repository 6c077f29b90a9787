"""CSV chunk objects on moto's S3: multipart parts sent from the writer's own buffer (no copy of
a whole part in memory) still make exactly the CSV that was written."""

from __future__ import annotations

import csv
import io

from offers.store import objects
from offers.store.objects import MIN_PART, CsvChunkWriter, s3


def test_given_rows_past_several_parts_when_written_then_each_chunk_is_the_exact_csv(stack, monkeypatch):
    rows = [[f"SKU-{n:07d}", n, "x" * 200] for n in range(60_000)]  # ~13 MB: parts of 5 MB
    writer = CsvChunkWriter(
        ["SKU", "n", "pad"], lambda n: f"tests/chunks/{n}.csv", max_rows=40_000, max_bytes=256 << 20
    )
    sent: list[type] = []
    upload_part = s3().upload_part

    def recording(**params):
        sent.append(type(params["Body"]))
        return upload_part(**params)

    monkeypatch.setattr(s3(), "upload_part", recording)
    writer.write_rows(iter(rows))
    chunks = writer.close()
    assert [c.rows for c in chunks] == [40_000, 20_000]
    assert chunks[0].bytes > 1.5 * MIN_PART  # the first chunk went up in several parts
    assert len(sent) >= 2 and set(sent) == {bytearray}  # each part sent from the buffer itself
    read = []
    for chunk in chunks:
        body = s3().get_object(Bucket=objects.bucket(), Key=chunk.key)["Body"].read()
        assert len(body) == chunk.bytes
        parsed = list(csv.reader(io.StringIO(body.decode())))
        assert parsed[0] == ["SKU", "n", "pad"]
        read += parsed[1:]
    assert read == [[str(value) for value in row] for row in rows]
