"""Emotion of a message (extractors/text/emotion.py) and `graphdesk emotion`.

The sentences are written here for the tests; none comes from the sentiment
corpora the model was trained or measured on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from extractors.text.emotion import MODEL_FILE, PolarityModel, emotion, polarity


def test_the_shipped_model_loads_and_says_what_it_was_trained_on() -> None:
    m = PolarityModel(MODEL_FILE)
    assert len(m.weights) >= 1000 and m.ngram_max == 3
    assert "training split" in m.trained_on
    assert 0.0 < m.probability("一般") < 1.0


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("升级以后速度快多了，界面也清爽，非常满意", 1),
        ("客服回复很及时，耐心地帮我把问题解决了，谢谢", 1),
        ("安装了三次都失败，文档写得一塌糊涂，非常失望", -1),
        ("用了两天就坏了，质量太差，再也不买了", -1),
        ("Thanks, the new release fixed it and everything works", 1),
        ("The export is broken again and I cannot open my files", -1),
    ],
)
def test_polarity_has_the_right_sign(text: str, sign: int) -> None:
    assert polarity(text) * sign > 0.2


def test_support_desk_signs_pull_down_and_say_why() -> None:
    calm = emotion("请问怎么修改登录密码")
    angry = emotion("什么破系统，气死我了，我要投诉！！")
    assert angry.score < calm.score and angry.score < -0.5
    kinds = " ".join(angry.reasons)
    assert "anger" in kinds and "threat to leave or complain" in kinds and "!" in kinds
    urgent = emotion("URGENT: production is down, please respond immediately")
    assert urgent.score < 0 and any(r.startswith("urgency") for r in urgent.reasons)
    swear = emotion("this damn installer crashed again")
    assert any(r.startswith("profanity") for r in swear.reasons)


def test_sarcasm_repetition_and_shouting() -> None:
    sarcastic = emotion("太好了，升级完又不行了")
    assert sarcastic.score < 0 and any(r.startswith("sarcasm") for r in sarcastic.reasons)
    first = "the sync still fails on my laptop"
    again = emotion(first, earlier=[first])
    assert again.score < emotion(first).score
    assert "repeats an earlier message" in again.reasons
    loud = emotion("WHY DOES THE UPLOAD KEEP FAILING EVERY SINGLE TIME")
    assert "shouting in capitals" in loud.reasons


def test_scores_stay_in_range_and_empty_text_is_neutral() -> None:
    assert emotion("   ").score == 0.0
    worst = emotion("垃圾！！骗子！！我要投诉退款，气死了，他妈的第三次还是不行！！！")
    assert worst.score == -1.0
    assert -1.0 <= emotion("好" * 5000).score <= 1.0


def test_cli_prints_one_score_per_line(tmp_path: Path) -> None:
    f = tmp_path / "messages.txt"
    f.write_text("非常感谢，问题解决了\n\n什么破软件，气死了！！\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["emotion", "--file", str(f)])
    assert result.exit_code == 0, result.output
    scores = [float(x) for x in result.output.split()]
    assert len(scores) == 3 and scores[0] > 0 and scores[1] == 0.0 and scores[2] < 0
    as_json = CliRunner().invoke(main, ["emotion", "--json", "--file", str(f)])
    rows = [json.loads(x) for x in as_json.output.splitlines()]
    assert rows[2]["reasons"] and rows[2]["text"] == "什么破软件，气死了！！"


def test_cli_conversation_counts_a_repeated_turn(tmp_path: Path) -> None:
    f = tmp_path / "turns.txt"
    f.write_text("the login page is blank\nthe login page is blank\n", encoding="utf-8")
    plain = CliRunner().invoke(main, ["emotion", "--file", str(f)]).output.split()
    conv = CliRunner().invoke(main, ["emotion", "--conversation", "--file", str(f)]).output.split()
    assert plain[0] == plain[1] and float(conv[1]) < float(conv[0])


def test_cli_refuses_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("ok\ncaf\xe9\n".encode("latin-1"))
    result = CliRunner().invoke(main, ["emotion", "--file", str(bad)])
    assert result.exit_code == 2 and "not UTF-8 (line 2" in result.output
    missing = CliRunner().invoke(main, ["emotion", "--file", str(tmp_path / "none.txt")])
    assert missing.exit_code == 2 and "cannot read" in missing.output


def test_despair_masked_swearing_and_denied_praise() -> None:
    begging = emotion("求求你们了，明天上线前修不好我就要被开除了")
    assert any(r.startswith("desperation") for r in begging.reasons)
    panic = emotion("i'm panicking here, my manager is screaming at me")
    assert panic.score < 0 and any(r.startswith("desperation") for r in panic.reasons)
    masked = emotion("this f***ing installer again")
    assert any(r.startswith("profanity") for r in masked.reasons)
    # "nothing works" is not pleased: a negated pleased word counts against
    assert polarity("I restarted it twice and nothing works") < 0
    assert polarity("Everything works after the restart") > 0
    two = emotion("你们到底有没有测试过？？")
    assert "repeated ! or ?" in two.reasons


def test_capitals_in_chinese_text_are_names_not_shouting() -> None:
    command = emotion("执行 VACUUM FULL ANALYZE 之后表还是很大")
    assert "shouting in capitals" not in command.reasons
    loud = emotion("THE DASHBOARD HAS BEEN BLANK SINCE MORNING")
    assert "shouting in capitals" in loud.reasons


def test_name_calling_is_a_sign() -> None:
    for text in ("Honestly, you bunch of clowns, read the ticket", "你们就是一帮废物"):
        found = emotion(text)
        assert any(r.startswith("insult") for r in found.reasons), text
    assert not any(r.startswith("insult") for r in emotion("The clown fish tank app").reasons)


def test_judging_the_product_threats_to_leave_and_despair_in_more_wordings() -> None:
    judged = emotion("Frankly the console is useless and the docs are garbage")
    assert judged.score <= -0.5 and judged.polarity < 0
    leaving = emotion("One more outage and we migrate back to our old vendor and won't renew")
    assert any(r.startswith("threat") for r in leaving.reasons)
    zh_leaving = emotion("再这样下去我们只能解约，换供应商了")
    assert any(r.startswith("threat") for r in zh_leaving.reasons)
    despair = emotion("my hands are shaking, the whole launch is at stake")
    assert any(r.startswith("desperation") for r in despair.reasons)
    zh_despair = emotion("这次要是恢复不了我就完了，老板肯定炒了我")
    assert any(r.startswith("desperation") for r in zh_despair.reasons)
    sarcastic = emotion("Genius advice. I am so done with this nonsense.")
    assert any(r.startswith("sarcasm") for r in sarcastic.reasons)


def test_describing_speed_or_a_hypothetical_failure_is_no_urgency() -> None:
    for text in (
        "删除之后空间会马上释放吗？",
        "如果某个节点挂了，数据会丢吗？",
        "生产环境的参数怎么配置？",
    ):
        assert not any(r.startswith("urgency") for r in emotion(text).reasons), text
    assert any(r.startswith("urgency") for r in emotion("请马上处理，线上全部宕机").reasons)


def test_exasperation_in_everyday_wordings() -> None:
    for text in ("Are you kidding me?! Third outage this week", "I'm beyond frustrated.",
                 "You people are clueless.", "你们到底行不行啊", "烦死了",
                 "我真的很崩溃"):  # fmt: skip
        found = emotion(text)
        signs = [r for r in found.reasons if not r.startswith(("negative", "positive"))]
        assert signs and found.score < 0, text


def test_words_in_quotation_marks_are_someone_elses_not_the_customers() -> None:
    own = emotion("This is unacceptable, the export has failed all week")
    assert any(r.startswith("anger") for r in own.reasons)
    reported = emotion(
        "Our CFO replied 'this is unacceptable, fix the export' to my update. "
        "Which setting controls the export batch size?"
    )
    assert not any(r.startswith("anger") for r in reported.reasons), reported
    zh = emotion("运营同事在群里吐槽“什么破系统，气死我了”，我想问下导出任务的并发上限是多少")
    assert not any(r.startswith("anger") for r in zh.reasons), zh
    assert reported.score > own.score and zh.score > -0.5
    # Scare quotes around a pleased word are still sarcasm.
    scare = emotion("Your 'wonderful' patch broke the login again, useless")
    assert any(r.startswith("sarcasm") for r in scare.reasons), scare


def test_a_hedged_sign_is_mild_and_not_counted() -> None:
    assert not any(
        r.startswith("urgency") for r in emotion("Sort of urgent, we go live Friday").reasons
    )
    assert any(r.startswith("urgency") for r in emotion("Urgent, we go live Friday").reasons)
    assert not any(r.startswith("anger") for r in emotion("这个限制有点离谱，不过能理解").reasons)
