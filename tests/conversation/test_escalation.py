"""The escalation state machine and the rules alone: transitions, the order of
the rules, the request-for-a-person cues in many wordings (and what only
mentions a person), the unresolved-turn verdicts, and the rules file."""

from __future__ import annotations

from pathlib import Path

import pytest

from resolvers.conversation.escalation import (
    TRANSITIONS,
    BadTransition,
    Event,
    Rule,
    Signals,
    State,
    bot_answers,
    decide,
    next_state,
    requested,
)
from resolvers.conversation.rules import RulesError, load_rules
from resolvers.conversation.unresolved import judge

RULES = load_rules()


def _signals(**over: object) -> Signals:
    base: dict[str, object] = {
        "text": "How do I rotate the TLS certificate?", "emotion": 0.0,
        "emotion_reasons": (), "complexity": 1, "complexity_reason": "answered by a section",
        "unresolved_run": 0, "unresolved_reasons": (),
    }  # fmt: skip
    base.update(over)
    return Signals(**base)  # type: ignore[arg-type]


def test_the_transitions_and_nothing_else() -> None:
    assert next_state(State.BOT, Event.CUSTOMER_MESSAGE) is State.BOT
    assert next_state(State.BOT, Event.ESCALATE) is State.ESCALATED
    assert next_state(State.ESCALATED, Event.AGENT_REPLY) is State.AGENT
    assert next_state(State.AGENT, Event.CLOSE) is State.CLOSED
    allowed = set(TRANSITIONS)
    for state in State:
        for event in Event:
            if (state, event) in allowed:
                continue
            with pytest.raises(BadTransition):
                next_state(state, event)
    # A closed conversation never reopens; an agent never replies to the bot's.
    with pytest.raises(BadTransition, match="closed"):
        next_state(State.CLOSED, Event.CUSTOMER_MESSAGE)
    with pytest.raises(BadTransition, match="escalated"):
        next_state(State.BOT, Event.AGENT_REPLY)
    assert [s for s in State if bot_answers(s)] == [State.BOT]


@pytest.mark.parametrize(
    "text",
    [
        "转人工", "请帮我转 人工", "我要人工客服", "人工服务", "能不能找个真人来处理",
        "给我接人工", "我不想跟机器人说话", "请让工程师来处理这个问题",
        "Can I talk to a human?", "I want to speak with a real person please",
        "connect me to an agent", "Transfer me to a live agent now", "get me a human",
        "is there a human I can chat with", "I need a representative",
        "Please put me through to a support engineer", "no more bot answers",
        "ＴＡＬＫ ＴＯ Ａ ＨＵＭＡＮ",  # full-width letters
    ],
)  # fmt: skip
def test_a_request_for_a_person_in_any_wording(text: str) -> None:
    decision = requested(text, RULES)
    assert decision is not None and decision.rule is Rule.REQUEST, text
    # First, whatever else the turn shows: it cannot be bypassed.
    fired = decide(_signals(text=text, emotion=-0.9, complexity=5, unresolved_run=5), RULES)
    assert fired is not None and fired.rule is Rule.REQUEST


@pytest.mark.parametrize(
    "text",
    [
        "The monitoring agent on the host stops after an hour",
        "How do I add a person to my team's workspace?",
        "My colleague said the human-readable log format is off",
        "客服人员说要升级到新版本，怎么升级？",
        "Our engineer changed the replica settings yesterday",
        "人工智能模型的推理服务怎么配置？",
    ],
)
def test_mentioning_a_person_is_not_asking_for_one(text: str) -> None:
    assert requested(text, RULES) is None, text


@pytest.mark.parametrize(
    "text",
    [
        "谢谢，问题解决了，不用转人工了", "暂时不需要人工客服，我先试试这个办法",
        "先不找工程师，我自己重启一下", "No need for a human, the restart fixed it",
        "I don't need to talk to a person, just tell me the flag",
        "Please don't transfer me to an agent yet, I'll try the steps first",
    ],
)  # fmt: skip
def test_a_request_turned_down_is_no_request(text: str) -> None:
    assert requested(text, RULES) is None, text


@pytest.mark.parametrize(
    "text",
    [
        "刚才说不用转人工，但现在还是不行，请转人工",
        "I said no need for a human earlier, but now I want to speak with a real person",
    ],
)
def test_a_request_after_turning_one_down_still_counts(text: str) -> None:
    decision = requested(text, RULES)
    assert decision is not None and decision.rule is Rule.REQUEST, text


def test_each_rule_with_its_evidence_and_near_misses() -> None:
    assert decide(_signals(), RULES) is None
    mild = decide(_signals(emotion=-0.4, emotion_reasons=("frustration: still not",)), RULES)
    assert mild is None  # mild frustration does not escalate
    angry = decide(_signals(emotion=-0.8, emotion_reasons=("anger: useless",)), RULES)
    assert angry is not None and angry.rule is Rule.EMOTION
    assert "-0.80 < -0.50" in angry.evidence and "anger: useless" in angry.evidence
    # Negative wording alone (no sign of anger, urgency, frustration ...) is not enough.
    worded = _signals(emotion=-0.9, emotion_reasons=("negative wording (-0.90)",))
    assert decide(worded, RULES) is None
    assert decide(_signals(complexity=3), RULES) is None  # L3 is not above L3
    hard = decide(_signals(complexity=5, complexity_reason="outage: 'is down'"), RULES)
    assert hard is not None and hard.rule is Rule.COMPLEXITY and "L5 > L3" in hard.evidence
    one = decide(_signals(unresolved_run=1, unresolved_reasons=("low",)), RULES)
    assert one is None  # one unresolved turn is not enough
    two = decide(_signals(unresolved_run=2, unresolved_reasons=("a", "b"),
                          unresolved_said=(False, True)), RULES)  # fmt: skip
    assert two is not None and two.rule is Rule.UNRESOLVED and "a; b" in two.evidence
    # Two unsure answers, and the customer never said it did not help: the bot's doubt.
    unsure = _signals(unresolved_run=2, unresolved_reasons=("low", "low"),
                      unresolved_said=(False, False))  # fmt: skip
    assert decide(unsure, RULES) is None
    # Several at once: the order of the rules file decides which is recorded.
    both = decide(_signals(emotion=-0.9, emotion_reasons=("urgency: asap",), complexity=5), RULES)
    assert both is not None and both.rule is Rule.EMOTION


def test_unresolved_verdicts() -> None:
    threshold = 0.5
    said = judge("That did not help, same error", [], 0.9, threshold, RULES)
    assert not said.resolved and "did not help" in (said.reason or "")
    zh = judge("按你说的改了，还是报错", [], 0.9, threshold, RULES)
    assert not zh.resolved
    earlier = ["How do I restore a backup to a new cluster?"]
    again = judge("how do I restore a backup to a new cluster", earlier, 0.9, threshold, RULES)
    assert not again.resolved and "repeats customer turn 0" in (again.reason or "")
    other = judge("How do I resize the cluster's disks?", earlier, 0.9, threshold, RULES)
    assert other.resolved
    weak = judge("What does the blue lamp mean?", [], 0.2, threshold, RULES)
    assert not weak.resolved and "0.20 < 0.50" in (weak.reason or "")
    thanks = judge("Thanks, that worked!", [], 0.05, threshold, RULES)
    assert thanks.resolved and thanks.helped
    # "没有用" holds "有用" (helped): saying it did not help wins.
    assert not judge("没有用", [], 0.9, threshold, RULES).resolved
    small_talk = judge("hello", [], None, threshold, RULES)  # asked nothing: no confidence
    assert small_talk.resolved and not small_talk.helped


def test_a_rules_file_replaces_defaults_key_by_key(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[escalation]\nemotion_below = -0.8\n[messages.en]\nrequest = "Handing over: {ticket}"\n',
        encoding="utf-8",
    )
    rules = load_rules(path)
    assert rules.escalation.emotion_below == -0.8
    assert rules.escalation.unresolved_run == RULES.escalation.unresolved_run
    assert rules.message("en", "request", ticket="T") == "Handing over: T"
    assert rules.message("zh", "request", ticket="T") == RULES.message("zh", "request", ticket="T")
    assert decide(_signals(emotion=-0.7, emotion_reasons=("anger: awful",)), rules) is None
    polarity_alone = tmp_path / "polarity.toml"
    polarity_alone.write_text("[escalation]\nemotion_needs_sign = false\n", encoding="utf-8")
    worded = _signals(emotion=-0.9, emotion_reasons=("negative wording (-0.90)",))
    fired = decide(worded, load_rules(polarity_alone))
    assert fired is not None and fired.rule is Rule.EMOTION


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[request]\ncues = []\n", "request.cues: may not be empty"),
        ("[escalation]\nemotion_below = -3\n", "escalation.emotion_below"),
        ("[escalation]\norder = ['emotion']\n", "escalation.order: must name each"),
        ("[complexity]\ndefect = ['(unclosed']\n", "is not a regular expression"),
        ("[unresolved]\nno_help = 'not a list'\n", "unresolved.no_help: must be a list"),
        ("[escalation\n", "not valid TOML"),
        ("[escalation]\nsurprise = 1\n", "escalation.surprise"),
    ],
)
def test_a_bad_rules_file_is_refused_by_name(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    assert str(path) in str(caught.value) and problem in str(caught.value)


def test_a_missing_rules_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="no such rules file"):
        load_rules(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    "text",
    [
        "照你说的把超时调大了，重启后还是一样的报错",
        "改完配置了，还是连不上",
        "文档里的步骤我都检查过了",
        "我想知道的是怎么回滚，不是怎么升级",
        "Did exactly as you suggested and the job still stalls at 40%",
        "we already checked the firewall",
        "Restarted both nodes, nothing changed",
        "The console still shows the old certificate",
        "That's not my question, I need the retention limit",
        "重装之后依然fail",
        "Rotated the certificate as described, the same verification failure",
        "We disabled the plugin; the warnings came back within ten minutes",
        "Nothing of what we tried is working so far",
        "The timeout is already 60s, so that can't be it",
    ],
)  # fmt: skip
def test_it_did_not_help_in_many_forms(text: str) -> None:
    verdict = judge(text, [], 0.9, 0.5, RULES)
    assert not verdict.resolved and verdict.said, text


@pytest.mark.parametrize(
    "text",
    [
        "我们没有用 TLS，只是内网连接",  # did not use, not "did not help"
        "导入时提示字段值无效，这个字段应该怎么填？",  # an error message, not a verdict
        "还是说我应该先备份再升级？",
        "How do I still keep writes going while the index builds?",
    ],
)
def test_what_only_looks_like_it_did_not_help(text: str) -> None:
    assert judge(text, [], 0.9, 0.5, RULES).resolved, text


@pytest.mark.parametrize(
    "text",
    ["你们这边有没有真人客服可以对接？", "我想跟人直接沟通一下这个故障",
     "Is there an actual person I could talk to about this?"],
)  # fmt: skip
def test_asking_whether_there_is_a_person_is_a_request(text: str) -> None:
    assert requested(text, RULES) is not None, text


def test_a_turn_unresolved_by_confidence_alone_is_not_the_customer_saying_so() -> None:
    weak = judge("What does the amber lamp on the gateway mean?", [], 0.2, 0.5, RULES)
    assert not weak.resolved and not weak.said
    again = judge("how do I restore a backup to a new cluster",
                  ["How do I restore a backup to a new cluster?"], 0.9, 0.5, RULES)  # fmt: skip
    assert not again.resolved and again.said


@pytest.mark.parametrize(
    "text",
    [
        "Could I speak with one of your storage architects about the layout?",
        "Can somebody who works for you check the March invoice?",
        "Please connect me with our account manager about the renewal",
        "Is there anyone on your replication team I could ask?",
        "Could we set up a call with your engineer next week?",
        "Can we hop on a call with whoever wrote the backup docs?",
        "有没有懂行的工程师？", "有人能帮我看一下这个报错吗", "麻烦安排个工程师跟进一下",
        "想和你们的专家开个会讨论一下扩容方案",
        "Put me in touch with an engineer", "Have someone call me back", "Can you escalate this?",
        "Let me talk to your manager", "我要找你们的人", "请让客服给我回个电话", "客服在吗",
        "帮我转接技术支持",
        "Can we book twenty minutes with one of your database specialists?",
        "请你们派一名资深工程师到现场支持一下", "麻烦让你们的销售跟我们联系一下报价",
        "这个需求请转给你们的产品负责人评估", "我们总监想和你们的领导当面见个面",
    ],
)  # fmt: skip
def test_a_request_for_one_of_the_vendors_people(text: str) -> None:
    assert requested(text, RULES) is not None, text


@pytest.mark.parametrize(
    "text",
    [
        "我们要人工录入这批数据，有批量导入的办法吗？",  # 人工 "by hand"
        "需要人工清理旧分区吗？", "这个人工智能助手回答得挺快",
        "It was human error on our side, how do I undo the drop?",
        "I'll talk with our DBA and come back to you",
        "We need to get on a call with our team first",
        "How do I connect my app to the replica?", "有人说这个参数要改大，是真的吗？",
        "How do I escalate privileges for the reporting role?",
        "I'll put you in touch with our DBA",
        "the callback URL returns 500", "我们这边有人在看", "Give me a minute",
        "Someone from your support team told us to raise the timeout",
        "Your engineer suggested a resize last week", "你们的工程师跟我说过要扩容",
        # checks done by hand, and the customer's own desk with people in it
        "运维每周都要人工核查备份是否完整，能自动化吗？", "我们的人工坐席系统接入了你们的缓存",
        "这份报告我已经转给你们的工程师了",
    ],
)  # fmt: skip
def test_what_only_sounds_like_asking_for_a_person(text: str) -> None:
    assert requested(text, RULES) is None, text


@pytest.mark.parametrize(
    "text",
    [
        "That doesn't actually answer my question",
        "Again: how long are the snapshots kept?", "I'll ask once more, where is the flag?",
        "我再问一遍，快照能保留多久？", "So it's none of those, the disks are fine",
        "这几个原因都排除了", "重启之后还是显示只读", "升级了驱动，还是说 TIMEOUT",
        "换了一台机器跑了一次，还是一样",
        "Same thing happens", "That isn't the problem", "I did that already",
        "You're not understanding me", "你没理解我的意思", "一点用都没有", "问题依旧",
        "Didn't make any difference",
    ],
)  # fmt: skip
def test_it_did_not_help_by_ruling_out_repeating_or_still_showing(text: str) -> None:
    verdict = judge(text, [], 0.9, 0.5, RULES)
    assert not verdict.resolved and verdict.said, text


@pytest.mark.parametrize(
    "text",
    ["还是说 v3 版本不支持这个参数？", "Can I run the export again tomorrow?",
     "I can no longer connect to the console since the update",
     "What does 'not applicable' mean in the report?", "这个问题依旧存在吗？",
     "That was it, the pool was too small."],
)  # fmt: skip
def test_what_only_looks_like_ruling_out_or_repeating(text: str) -> None:
    verdict = judge(text, [], 0.9, 0.5, RULES)
    assert verdict.resolved and not verdict.helped, text


@pytest.mark.parametrize(
    "text",
    ["校验通过了，谢谢", "it no longer times out", "Fixed, thanks.",
     "the replica has been stable for two days now", "改了连接池，不会再超时了",
     "raised the limit and the import went through, ok"],
)  # fmt: skip
def test_it_helped_in_many_forms(text: str) -> None:
    verdict = judge(text, [], 0.05, 0.5, RULES)
    assert verdict.resolved and verdict.helped, text


def test_a_pleased_word_beside_a_fix_that_worked_is_not_sarcasm() -> None:
    reasons = ("negative wording (-0.60)", "sarcasm: great in a complaint")
    fixed = _signals(text="Set the lock timeout, it no longer blocks, great",
                     emotion=-0.9, emotion_reasons=reasons)  # fmt: skip
    assert decide(fixed, RULES) is None
    # Sarcasm about a fix that did not work still counts.
    failed = _signals(text="Oh great, it still blocks", emotion=-0.9, emotion_reasons=reasons)
    fired = decide(failed, RULES)
    assert fired is not None and fired.rule is Rule.EMOTION


def _l5(text: str) -> str | None:
    rc = RULES.complexity
    reported = rc.hypothetical.erase(text)
    return rc.outage.find(reported) or rc.data_loss.find(reported) or rc.security.find(reported)


@pytest.mark.parametrize(
    "text",
    [
        "Our staging-eu database 'billing' is totally offline since 9:00",
        "The gateway rejects all incoming connections, every app is failing",
        "所有订单接口都报错，整个业务停了", "订单记录全没了，没人执行过删除",
        "Nobody deleted anything, yet 12k rows are missing from the ledger",
        "invoices from March are not in the new database at all",
        "A contractor committed our API keys to a public GitLab project last night",
        "We see sessions from addresses we don't recognise on the admin account",
        "An unknown account logged in and downloaded the customer table",
        "有个陌生 IP 昨晚登录成功了，还导出了用户表",
        "We're completely down!", "全站打不开了", "所有用户都登录不了", "we lost a day of orders",
        "the orders table is empty now", "someone read our database without permission",
        "账号被盗了",
    ],
)  # fmt: skip
def test_an_outage_data_loss_or_intrusion_in_many_wordings(text: str) -> None:
    assert _l5(text) is not None, text


@pytest.mark.parametrize(
    "text",
    [
        "If the primary database is down, does the client retry on its own?",
        "万一数据丢了，备份能恢复到几点？", "How do I block an unknown IP?",
        "The error is gone after the restart", "报错没了，谢谢",
        "The endpoint refuses every connection from my laptop, is it the allowlist?",
        "we lost connection for a second", "we are down to two replicas",
    ],
)  # fmt: skip
def test_what_only_mentions_an_outage_loss_or_intrusion(text: str) -> None:
    assert _l5(text) is None, text


def test_a_defect_reported_after_an_upgrade_in_either_order() -> None:
    defect = RULES.complexity.defect
    assert defect.find("since upgrading to 3.2 the import fails") is not None
    assert defect.find("After upgrading, do I need to restart?") is None


@pytest.mark.parametrize(
    "text",
    [
        "Could somebody on your networking team double-check our peering setup?",
        "Would a person be able to review this migration plan?",
        "Can we please get an actual database engineer to look at the plan?",
        "I'd like a meeting with one of your consultants before the go-live",
        "Ideally your support engineers would join the bridge during the switch",
        "pls connect me w/ someone, the chat isn't cutting it",
        "想约个 call with your architect 聊一下分片设计",
    ],
)  # fmt: skip
def test_a_request_for_the_vendors_people_by_team_role_or_call(text: str) -> None:
    assert requested(text, RULES) is not None, text


@pytest.mark.parametrize(
    "text",
    [
        "We had a call with your architect last Tuesday and agreed on three shards",
        "After the meeting with your team we raised the pool size",
        "Can we get an index on the email column?",
    ],
)  # fmt: skip
def test_a_call_already_held_or_a_thing_asked_for_is_no_request(text: str) -> None:
    assert requested(text, RULES) is None, text


@pytest.mark.parametrize(
    "text",
    [
        "Restarted the sync twice. Same SYN-204.", "Identical result after the resize.",
        "That's the same answer as before.", "The workaround isn't working.",
        "Still throttled.", "applied the patch, still lagging behind the primary",
        "Cleared it an hour ago and now it's full again",
        "You keep telling me to add memory, that is not the question",
        "你一直让我重启，重启没用", "改完之后还是 refused",
        "Nope, that changed nothing.", "No dice.", "Didn't do anything.",
        "Restarted as you said, the problem persists.", "That link is about something else.",
        "还是老问题", "这个方法不行",
    ],
)  # fmt: skip
def test_it_did_not_help_by_the_same_code_a_lasting_state_a_relapse_or_persisting(
    text: str,
) -> None:
    verdict = judge(text, [], 0.9, 0.5, RULES)
    assert not verdict.resolved and verdict.said, text


@pytest.mark.parametrize(
    "text",
    ["Is it still supported on 3.1?", "We're still using the old driver for reporting.",
     "It's working again after the reboot, thanks",
     "Nothing changed in our code since Monday.", "Does the problem persist after a restart?",
     "这个方法行不行？"],
)  # fmt: skip
def test_a_fine_state_context_or_a_question_is_no_complaint(text: str) -> None:
    assert RULES.unresolved.no_help.find(text) is None, text


@pytest.mark.parametrize(
    "text",
    [
        "CLUSTER DOWN. replication halted at 07:10",
        "All payments are failing since the failover", "writes are all rejected on the primary",
        "the storefront is dead, nothing loads", "three weeks of invoices cannot be recovered",
        "备份也找不回来了", "迁移之后用户表少了两千多条",
        "about 4,000 orders are missing after the import",
        "someone is brute-forcing the admin role", "a login from an address we don't own succeeded",
    ],
)  # fmt: skip
def test_an_outage_data_loss_or_intrusion_in_more_wordings(text: str) -> None:
    assert _l5(text) is not None, text


@pytest.mark.parametrize(
    "text",
    ["What does 'cluster is down' mean in the event log?", "报错 The shard is down 是什么意思？",
     "Can the dead-letter queue be recovered after a crash?"],
)  # fmt: skip
def test_a_message_asked_about_is_no_report(text: str) -> None:
    assert _l5(text) is None, text


@pytest.mark.parametrize(
    "text",
    [
        "I need a human being on this, now.", "Get me your escalation team.",
        "Can this go to your tier 2?", "Please have an engineer reach out to me by email.",
        "Could I get a callback from support?", "Need someone senior on this.",
        "Put a real engineer on this ticket.", "Can support call me at 555-0100?",
        "能不能让懂的人来看看", "给我找个负责人", "我不想跟机器聊了", "可以电话沟通吗", "请转二线",
    ],
)  # fmt: skip
def test_wanting_a_person_put_on_it_or_a_call_back(text: str) -> None:
    assert requested(text, RULES) is not None, text


@pytest.mark.parametrize(
    "text",
    [
        "I need a person-to-person replication setup, is that supported?",
        "Do I need an engineer certification to use the CLI?",
        "We want to require a human approval step in the pipeline, possible?",
        "Can we get a callback URL for webhooks?", "Our engineer will set it up tomorrow.",
        "I need someone who knows Kafka on my team, any training?",
        "让懂的同事先看了一下日志，没发现问题", "不要和机器人对话的接口怎么关？",
        "专家模式怎么打开？",
    ],
)  # fmt: skip
def test_a_person_as_a_feature_a_requirement_or_ones_own_is_no_request(text: str) -> None:
    assert requested(text, RULES) is None, text


@pytest.mark.parametrize(
    "text",
    ["Someone deleted the production database.", "Half of our data vanished overnight.",
     "The primary and both replicas are gone.", "There is a ransom note in the data directory.",
     "We're losing transactions.", "All nodes crashed and won't come back.", "服务全挂了",
     "生产库被删了", "数据被篡改了", "有人未授权访问了我们的数据库", "整个集群都连不上了"],
)  # fmt: skip
def test_an_incident_as_it_is_reported(text: str) -> None:
    assert _l5(text) is not None, text


@pytest.mark.parametrize(
    "text",
    ["How do I delete the production database safely after the migration?",
     "All nodes are up now, thanks.", "Does it offer ransomware protection?",
     "How do I prevent tampering with audit logs?", "未授权访问会被记录吗？", "数据库全都正常了",
     "如果服务全挂了怎么办？"],
)  # fmt: skip
def test_an_incident_asked_about_or_guarded_against_is_none(text: str) -> None:
    assert _l5(text) is None, text


@pytest.mark.parametrize(
    ("family", "text"),
    [
        ("security", "An intern committed config.prod.yaml with the db password to a public repo"),
        ("security", "I'm afraid somebody has been inside our billing database since Monday"),
        ("security", "The audit shows logins from a city where we have no office"),
        ("security", "The orders endpoint now returns rows that belong to another tenant"),
        ("security", "用户反馈在个人中心看到了其他用户的订单"),
        ("data_loss", "The ledger history now has a three-day gap for some accounts"),
        ("data_loss", "订单流水中间断了两天"),
        ("defect", "同样的查询结果每次不一样，这不像是正常现象"),
        ("defect", "The replica reports a negative lag, this can't be normal"),
    ],
)  # fmt: skip
def test_l5_and_defect_cues_in_more_wordings(family: str, text: str) -> None:
    cues = getattr(RULES.complexity, family)
    assert cues.find(RULES.complexity.hypothetical.erase(text)) is not None, text


@pytest.mark.parametrize(
    ("family", "text"),
    [
        ("security", "How do I make sure one tenant never sees another tenant's rows?"),
        ("data_loss", "Is there a gap between the backup window and the maintenance window?"),
        ("defect", "扩容期间延迟升高正常吗？"),
    ],
)
def test_what_only_sounds_like_l5_or_a_defect(family: str, text: str) -> None:
    cues = getattr(RULES.complexity, family)
    assert cues.find(RULES.complexity.hypothetical.erase(text)) is None, text
