"""`watch` keeps the graph current: new, changed and removed files, with validation."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

from extractors.ingest.validation import validate
from extractors.ingest.watch import Batch, watch
from graph.falkor import FalkorStore
from migrations.runner import migrate


def _next(batches: queue.Queue[Batch], timeout: float = 30.0) -> Batch:
    return batches.get(timeout=timeout)


def test_watch_picks_up_new_changed_and_removed_files(
    clean_store: FalkorStore, tmp_path: Path
) -> None:
    migrate(clean_store)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# Alpha\n\n## Setup\n\nInstall the alpha agent.\n")
    batches: queue.Queue[Batch] = queue.Queue()
    stop = threading.Event()
    worker = threading.Thread(
        target=watch, args=(clean_store, [docs], batches.put), kwargs={"stop": stop}
    )
    worker.start()
    try:
        first = _next(batches)
        assert first.report.new == 1
        time.sleep(0.5)  # the watcher is now listening
        (docs / "b.md").write_text("# Beta\n\n## Use\n\nThe beta agent needs port 7001.\n")
        (docs / "codes.csv").write_text("code,name,message\nBT-100,beta_down,beta is down\n")
        seen = _next(batches)
        while seen.report.new < 2:
            seen = _next(batches)
        assert seen.report.error_codes == 1
        assert any(f.check == "error codes without solutions" for f in seen.findings)
        (docs / "a.md").unlink()
        gone = _next(batches)
        while gone.report.retired < 1:
            gone = _next(batches)
        assert gone.finished >= seen.finished
    finally:
        stop.set()
        worker.join(timeout=30)
    assert not worker.is_alive()
    titles = {r["t"] for r in clean_store.read(
        "MATCH (d:Document) WHERE d.retired_at IS NULL RETURN d.title AS t")}  # fmt: skip
    assert titles == {"Beta"}


def test_validation_reports_conflicting_specs(clean_store: FalkorStore, tmp_path: Path) -> None:
    from extractors.ingest.pipeline import Ingestor

    migrate(clean_store)
    (tmp_path / "a.csv").write_text("product,version,parameter,value,unit\nX,1,max_qps,100,qps\n")
    (tmp_path / "b.csv").write_text("product,version,parameter,value,unit\nX,1,max_qps,120,qps\n")
    Ingestor(clean_store, progress=False).run([tmp_path])
    findings = {f.check: f for f in validate(clean_store)}
    assert findings["conflicting specs"].count == 1
    assert findings["conflicting specs"].sample == ["spec:x:1.0:max-qps"]
