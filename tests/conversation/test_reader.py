"""The learned turn reader: its shipped weights, what it reads, how the state
machine uses it, and a conversation it escalates where no cue list fires.

The wordings here are written for these tests; none comes from a dialogue set.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import numpy as np
import pytest

from extractors.ingest.pipeline import Ingestor
from graph.store import Store
from resolvers.conversation import reader, reader_training
from resolvers.conversation.desk import Desk, customer_turn
from resolvers.conversation.escalation import Rule, Signals, decide, requested
from resolvers.conversation.reader import Reading
from resolvers.conversation.rules import RulesError, load_rules
from resolvers.pipeline.answerer import Answerer
from tests.demo import DEMO

RULES = load_rules()
# Asks for a person without any wording the request cues know.
HANDED_OVER = "Please hand this case to somebody who can actually look at our logs"


def _signals(text: str, learned: Reading | None) -> Signals:
    return Signals(text=text, emotion=0.0, emotion_reasons=(), complexity=1,
                   complexity_reason="answered by a section", unresolved_run=0,
                   unresolved_reasons=(), learned=learned)  # fmt: skip


def _model() -> reader.Model:
    model = reader.shipped()
    assert model is not None, "the sentence encoder is a dependency"
    return model


def test_the_shipped_weights_come_from_development_and_spent_sets_only() -> None:
    model = _model()
    assert model.meta["trained_on"] and all(
        s in reader_training.TRAINING for s in model.meta["trained_on"]
    )
    # every held-out set on disk that is not spent stays out of training
    sets = {p.parent.name for p in reader_training.DIALOGUES.glob("*/conversations.jsonl")}
    fresh = sets - set(reader_training.TRAINING)
    assert not fresh & set(model.meta["trained_on"])
    assert 0.0 < model.threshold < 1.0
    assert model.coef.shape == (len(reader.CLASSES), 2 * 512 + 3)
    assert model.grams is not None and model.grams.linear.coef.shape[0] == len(reader.CLASSES)


def test_the_shipped_weights_are_what_training_gives() -> None:
    fresh = reader_training.train(_model().meta["trained_on"])
    shipped = _model()
    assert fresh.threshold == pytest.approx(shipped.threshold)
    assert np.allclose(fresh.coef, shipped.coef, atol=1e-3)
    assert np.allclose(fresh.intercept, shipped.intercept, atol=1e-3)
    assert fresh.grams is not None and shipped.grams is not None
    assert fresh.grams.index == shipped.grams.index
    assert np.allclose(fresh.grams.idf, shipped.grams.idf, atol=1e-4)
    assert np.allclose(fresh.grams.linear.coef, shipped.grams.linear.coef, atol=1e-3)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "a", "Ab  cd\tEF", "数据库连不上了！！", "mixed 中文 and English?!", "x" * 300],
)
def test_the_n_gram_vector_is_the_one_the_weights_were_trained_on(text: str) -> None:
    # scikit-learn's vectorizer trains the weights; numpy alone reads at run time
    from sklearn.feature_extraction.text import TfidfVectorizer

    grams = _model().grams
    assert grams is not None
    vocabulary = sorted(grams.index, key=grams.index.__getitem__)
    fitted = TfidfVectorizer(analyzer="char_wb", ngram_range=reader.NGRAMS, sublinear_tf=True,
                             vocabulary=vocabulary, lowercase=True)  # fmt: skip
    fitted.idf_ = grams.idf
    expected = fitted.transform([text]).toarray()[0]
    at, values = grams.vector(text)
    got = np.zeros(len(vocabulary))
    got[at] = values
    assert np.allclose(got, expected)


def test_the_n_grams_are_scikit_learns_char_wb_grams() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyse = TfidfVectorizer(analyzer="char_wb", ngram_range=reader.NGRAMS).build_analyzer()
    for text in ["", "a b", "Hello, WORLD", "转人工 please", "  x\n\ny  ", "abcdefgh"]:
        assert reader.char_grams(text) == analyse(text)


@pytest.mark.parametrize(
    ("text", "previous", "index"),
    [
        ("How do I change the port the server listens on?", "", 0),
        ("这个参数的默认值是多少？", "", 0),
        ("thanks, that fixed it!", "How do I rotate the TLS certificate?", 1),
    ],
)
def test_everyday_turns_do_not_call_for_a_person(text: str, previous: str, index: int) -> None:
    reading = _model().read(text, previous, index)
    assert not reading.fires, reading


def test_a_turn_handing_the_case_over_reads_as_a_request() -> None:
    reading = _model().read(HANDED_OVER, "", 0)
    assert reading.fires and reading.rule == "request", reading


def test_the_state_machine_asks_the_reader_only_when_no_rule_fired() -> None:
    text = "How do I rotate the TLS certificate?"
    assert requested(HANDED_OVER, RULES) is None  # no cue list knows this wording
    fired = decide(_signals(text, Reading("unresolved", 0.95, 0.8)), RULES)
    assert fired is not None and fired.rule is Rule.UNRESOLVED
    assert "learned reading" in fired.evidence and "0.95" in fired.evidence
    assert decide(_signals(text, Reading("unresolved", 0.5, 0.8)), RULES) is None
    # a rule's own decision wins over the reader's
    asked = decide(_signals("转人工", Reading("emotion", 0.99, 0.8)), RULES)
    assert asked is not None and asked.rule is Rule.REQUEST


def test_the_reader_can_be_switched_off_or_given_another_threshold(tmp_path: Path) -> None:
    text = "How do I rotate the TLS certificate?"
    off = tmp_path / "off.toml"
    off.write_text("[escalation]\nlearned = false\n", encoding="utf-8")
    assert decide(_signals(text, Reading("request", 0.99, 0.8)), load_rules(off)) is None
    strict = tmp_path / "strict.toml"
    strict.write_text("[escalation]\nlearned_above = 0.97\n", encoding="utf-8")
    assert decide(_signals(text, Reading("request", 0.9, 0.8)), load_rules(strict)) is None
    fired = decide(_signals(text, Reading("request", 0.98, 0.8)), load_rules(strict))
    assert fired is not None and "0.97" in fired.evidence
    bad = tmp_path / "bad.toml"
    bad.write_text("[escalation]\nlearned_above = 1.5\n", encoding="utf-8")
    with pytest.raises(RulesError, match="learned_above"):
        load_rules(bad)


def test_weights_of_the_wrong_shape_are_refused_by_name() -> None:
    data = _model().to_json()
    data["coef"] = data["coef"][:2]
    with pytest.raises(ValueError, match=r"weights\.json: coef must be"):
        reader.from_json(data, "weights.json")
    data = _model().to_json()
    data["grams"]["idf"] = data["grams"]["idf"][:-1]
    with pytest.raises(ValueError, match=r"weights\.json: grams\.coef must be"):
        reader.from_json(data, "weights.json")
    data = _model().to_json() | {"classes": ["none", "request"]}
    with pytest.raises(ValueError, match=r"weights\.json: classes must be"):
        reader.from_json(data, "weights.json")


def test_a_conversation_escalates_on_the_reading_with_its_evidence(backend: Store) -> None:
    report = Ingestor(backend, progress=False).run([DEMO / "docs", DEMO / "errors"])
    assert not report.failed, report.summary()
    desk = Desk(backend, Answerer(backend, cache_size=0))
    turn = customer_turn(desk, f"customer:{uuid.uuid4().hex[:12]}", None, HANDED_OVER)
    assert turn.escalated_now and turn.state == "escalated"
    assert turn.escalation is not None and turn.escalation.rule == "request"
    assert turn.escalation.evidence.startswith("learned reading")
    stored = json.dumps(
        backend.read(
            "MATCH (c:Conversation {id: $id}) RETURN c.escalation_evidence AS e",
            {"id": turn.conversation_id},
        )
    )
    assert "learned reading" in stored
