"""serve's PDF worker loop (plandoc/pdf/worker.py): a request that arrives while the
edition is laid out drops the work at the next 篇, and the next request is served from
the pieces finished; a plan with errors is skipped, its PDF left as it was."""

from __future__ import annotations

import os
import shutil

from plandoc.pdf import worker as pdf_worker

from .conftest import PLANS


class Script:
    """Requests as a test writes them: `wait` answers the scripted requests in turn;
    `pending` says a newer request is waiting on the calls listed in `newer`."""

    def __init__(self, requests: int, newer: set[int]) -> None:
        self.left, self.newer, self.asked = requests, newer, 0

    def wait(self) -> bool:
        self.left -= 1
        return self.left >= 0

    def pending(self) -> bool:
        self.asked += 1
        return self.asked in self.newer


def test_a_newer_request_drops_the_work_and_the_next_build_resumes(tmp_path):
    plan = tmp_path / "plan"
    shutil.copytree(PLANS["plan-ok"], plan)
    answers: list[dict] = []
    # asked before each of the two 篇 and the front matter: a newer edit is seen before the
    # second 篇 of the first build
    pdf_worker.run(plan, tmp_path / "dist", Script(2, {2}), answers.append)
    assert [a["pdf"] for a in answers] == ["dropped", "done"], answers
    assert answers[0]["laid_out"] == 1  # the first 篇, kept
    assert answers[1]["laid_out"] == 3  # then the second 篇 and the front matter only
    assert (tmp_path / "dist" / "plan.pdf").read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob(".dist.render-*"))


def test_a_plan_with_errors_is_skipped_and_the_pdf_stays(tmp_path):
    plan = tmp_path / "plan"
    shutil.copytree(PLANS["mini"], plan)
    answers: list[dict] = []
    pdf_worker.run(plan, tmp_path / "dist", Script(1, set()), answers.append)
    pdf = tmp_path / "dist" / "plan.pdf"
    first = pdf.read_bytes()
    (plan / "plan.xml").write_text("<plan>", encoding="utf-8")
    pdf_worker.run(plan, tmp_path / "dist", Script(1, set()), answers.append)
    assert [a["pdf"] for a in answers] == ["done", "skipped"]
    assert pdf.read_bytes() == first


def test_the_requests_pipe_counts_queued_writes_as_one(tmp_path):
    read, write = os.pipe()
    requests = pdf_worker.Requests(read)
    assert not requests.pending()
    os.write(write, b"build\nbuild\nbuild\n")
    assert requests.pending() and requests.wait() and not requests.pending()
    os.close(write)
    assert requests.pending() and not requests.wait()  # the end of input ends the worker
    os.close(read)
