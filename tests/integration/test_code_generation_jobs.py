"""Code generation as a background job: large counts, progress, resumption, races."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from offers.errors import Conflict
from offers.models.coupons import CodeGenerationRequest
from offers.services import coupons
from offers.store import keys
from tests.support.client import TENANT_A, ApiClient
from tests.support.emulated import stored_items
from tests.support.factories import coupon_body, wait_until


def new_coupon(api: ApiClient) -> str:
    return api.post("/coupons", coupon_body()).json()["id"]


def stored_codes(coupon_id: str) -> list[str]:
    """The codes stored for a coupon: every code item of the tenant that names the coupon."""
    prefix = keys.code_key(TENANT_A, "X")["pk"][: -len("X")]
    return [item["code"] for item in stored_items(prefix) if item["promotionId"] == coupon_id]


def test_given_100000_codes_when_generated_then_a_job_reports_progress_and_makes_them_all_once(
    api: ApiClient,
):
    coupon_id = new_coupon(api)
    response = api.post(
        "/coupons/actions/generate-codes",
        {"couponId": coupon_id, "type": "RANDOM", "count": 100_000, "length": 10},
    )
    assert response.status == 202
    job = response.json()
    assert (job["status"], job["requested"], job["generated"]) == ("IN_PROGRESS", 100_000, 0)
    progress_path = f"/coupons/{coupon_id}/code-generations/{job['id']}"
    seen_progress: list[int] = []

    def finished() -> dict | None:
        current = api.get(progress_path).json()
        seen_progress.append(current["generated"])
        return current if current["status"] != "IN_PROGRESS" else None

    done = wait_until(finished, timeout=900, interval=1.0)
    assert (done["status"], done["generated"], done["errors"]) == ("COMPLETED", 100_000, [])
    assert any(0 < generated < 100_000 for generated in seen_progress), "progress was never visible"
    assert seen_progress == sorted(seen_progress)
    assert api.get(f"/coupons/{coupon_id}").json()["codeCount"] == 100_000
    codes = stored_codes(coupon_id)
    assert len(codes) == 100_000
    assert len(set(codes)) == 100_000


def test_given_a_job_cut_short_when_run_again_then_it_resumes_without_duplicates(api: ApiClient):
    coupon_id = new_coupon(api)
    generation = coupons.CodeGeneration.model_validate(
        coupons.CodeGeneration(
            id="000000000000000000000abc",
            coupon_id=coupon_id,
            status="IN_PROGRESS",
            spec={"prefix": "RESUME", "count": 500},
            requested=500,
            created_at="2026-11-22T00:00:00Z",
            updated_at="2026-11-22T00:00:00Z",
        )
    )
    coupons._generations.start(TENANT_A, generation)
    clock = iter([120_000, 120_000, 120_000, 0])  # enough time for three batches, then out of time
    stopped = coupons.run_generation(TENANT_A, coupon_id, generation.id, millis_left=lambda: next(clock, 0))
    assert (stopped.status, stopped.generated) == ("IN_PROGRESS", 3 * 98)
    finished = coupons.run_generation(TENANT_A, coupon_id, generation.id)
    assert (finished.status, finished.generated) == ("COMPLETED", 500)
    assert sorted(stored_codes(coupon_id)) == sorted(f"RESUME{n}" for n in range(1, 501))
    assert api.get(f"/coupons/{coupon_id}").json()["codeCount"] == 500


def test_given_one_job_run_twice_at_once_then_each_code_is_written_once(api: ApiClient):
    coupon_id = new_coupon(api)
    request = CodeGenerationRequest(coupon_id=coupon_id, type="RANDOM", count=2000)
    job = coupons.CodeGeneration(
        id="000000000000000000000def",
        coupon_id=coupon_id,
        status="IN_PROGRESS",
        spec=request.model_dump(exclude={"coupon_id"}),
        requested=2000,
        created_at="2026-11-22T00:00:00Z",
        updated_at="2026-11-22T00:00:00Z",
    )
    coupons._generations.start(TENANT_A, job)
    start = threading.Barrier(2)

    def run() -> str:
        start.wait()
        return coupons.run_generation(TENANT_A, coupon_id, job.id).status

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda _: run(), range(2)))
    final = coupons.get_generation(TENANT_A, coupon_id, job.id)
    assert (final.status, final.generated) == ("COMPLETED", 2000)
    assert len(stored_codes(coupon_id)) == 2000
    assert api.get(f"/coupons/{coupon_id}").json()["codeCount"] == 2000


def test_given_overlapping_sequential_ranges_generated_concurrently_then_every_code_exists_once(
    api: ApiClient,
):
    coupon_ids = [new_coupon(api) for _ in range(6)]
    starts = [0, 150, 300, 100, 450, 600]  # 300 codes each: ranges overlap pairwise
    start = threading.Barrier(len(coupon_ids))

    def generate(index: int) -> str:
        request = CodeGenerationRequest(
            coupon_id=coupon_ids[index], prefix="RACE", start=starts[index], count=300
        )
        start.wait()
        try:
            return coupons.generate_codes(TENANT_A, request).status
        except Conflict:
            return "CONFLICT"

    with ThreadPoolExecutor(len(coupon_ids)) as pool:
        outcomes = list(pool.map(generate, range(len(coupon_ids))))
    assert "COMPLETED" in outcomes
    owners: dict[str, str] = {}
    for coupon_id, outcome in zip(coupon_ids, outcomes, strict=True):
        codes = stored_codes(coupon_id)
        count = api.get(f"/coupons/{coupon_id}").json()["codeCount"]
        if outcome == "COMPLETED":
            assert len(codes) == count == 300
        else:
            assert outcome == "CONFLICT"
            assert codes == [] and count == 0, "a refused generation left codes behind"
        for code in codes:
            assert code not in owners, f"{code} belongs to two coupons"
            owners[code] = coupon_id
