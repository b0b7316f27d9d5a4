import pytest

from hitsm.core import realtime
from hitsm.core.jobs import JobReporter, job_enqueue, job_handler, job_run
from hitsm.core.models import Job, JobStatus

pytestmark = pytest.mark.django_db(transaction=True)
calls: list[int] = []


@job_handler("test.count", label="计数")
def _count(job: Job, reporter: JobReporter) -> dict:
    calls.append(job.pk)
    reporter.set_total(3)
    for i in range(3):
        reporter.advance(message=f"第 {i + 1} 项")
    reporter.log("完成")
    return {"counted": 3}


@job_handler("test.boom", label="失败")
def _boom(job: Job, reporter: JobReporter) -> dict:
    reporter.log("开始")
    raise RuntimeError("磁盘已满")


def test_a_job_runs_to_completion_and_tells_its_creator(agent_chen, client_for, monkeypatch):
    pushed: list[tuple[list[str], str, dict]] = []
    monkeypatch.setattr(realtime, "_send", lambda *args: pushed.append(args))
    calls.clear()
    job = job_enqueue(kind="test.count", created_by_id=agent_chen.pk, params={})
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.progress, job.total, job.result) == (3, 3, {"counted": 3})
    assert "完成" in job.log
    statuses = [
        p[2]["status"]
        for p in pushed
        if p[0] == [f"user.{agent_chen.pk}"] and p[1] == "job.updated"
    ]
    assert statuses[0] == "queued" and statuses[-1] == "succeeded" and "running" in statuses
    listed = client_for(agent_chen).get("/api/v1/jobs/").json()["results"]
    assert listed[0]["kind_label"] == "计数" and listed[0]["status_label"] == "已完成"


def test_a_job_runs_once_even_if_delivered_twice(agent_chen):
    calls.clear()
    job = job_enqueue(kind="test.count", created_by_id=agent_chen.pk, params={})
    assert job_run(job_id=job.pk) is None
    assert calls == [job.pk]


def test_a_failing_job_keeps_its_log_and_reason(agent_chen):
    job = job_enqueue(kind="test.boom", created_by_id=agent_chen.pk, params={})
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "磁盘已满"
    assert "开始" in job.log and "RuntimeError" in job.log


def test_people_see_only_their_own_jobs(agent_chen, engineer_wang, admin_user, client_for):
    mine = job_enqueue(kind="test.count", created_by_id=agent_chen.pk, params={})
    assert client_for(engineer_wang).get(f"/api/v1/jobs/{mine.pk}/").status_code == 404
    assert client_for(engineer_wang).get("/api/v1/jobs/").json()["count"] == 0
    assert client_for(admin_user).get(f"/api/v1/jobs/{mine.pk}/").status_code == 200


def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError, match="unknown job kind"):
        job_enqueue(kind="nope", created_by_id=None, params={})
