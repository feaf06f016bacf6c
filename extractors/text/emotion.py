"""A customer's emotion in one message, -1 (angry, desperate) to 1 (pleased),
with the reasons a person can check.

Two parts:

- **Polarity** of Chinese text from a linear model over character 1–3-grams
  (TF-IDF, sublinear counts, L2-normalised, logistic regression), trained by
  ``bench/emotion.py --train`` on the ChnSentiCorp training split only and
  shipped as ``data/emotion_zh.json`` (the 20,000 n-grams with the largest
  weights, refitted on them). English text, which that corpus lacks, gets its
  polarity from the word lists below.
- **Support-desk signs**, in both languages, each with its reason: anger and
  profanity, urgency, threats to leave or complain, runs of ``!``/``?``,
  shouting in capitals, a message that repeats an earlier one, and sarcasm (a
  pleased phrase next to a complaint). They move the score down from the
  polarity; none of them can raise it.

The word lists are written here by meaning, for every vendor; nothing in them
comes from an evaluation set. ``Emotion.reasons`` says which signs fired.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).parent / "data" / "emotion_zh.json"

_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[a-z']+")
_BANG = re.compile(r"[!！]{2,}|[?？]{2,}|[!！][?？]|[?？][!！]")
_CAPS = re.compile(r"\b[A-Z]{4,}\b")

# (sign, weight, Chinese phrases, English words or phrases); weights are how far
# one sign pulls the score down (several add up, and the score stays in [-1, 1]).
_SIGNS: tuple[tuple[str, float, tuple[str, ...], tuple[str, ...]], ...] = (
    ("profanity", 0.6,
     ("他妈", "妈的", "tmd", "卧槽", "操你", "傻逼", "sb", "狗屎", "去死"),
     ("fuck", "fucking", "shit", "damn", "crap", "bullshit", "wtf", "f***", "f***ing", "f**k",
      "f**king", "f*ck", "f*cking", "sh*t", "s**t")),
    ("anger", 0.4,
     ("垃圾", "气死", "愤怒", "生气", "火大", "无语", "太差", "恶心", "坑人", "骗子", "忍无可忍",
      "受够了", "什么破", "烂透", "认真的吗", "搞什么", "什么玩意", "离谱", "破事", "受不了",
      "气人", "坑爹", "坑死", "什么鬼", "太坑", "忍不了", "没耐心"),
     ("angry", "furious", "ridiculous", "unacceptable", "useless", "terrible", "awful",
      "pathetic", "disgusting", "scam", "worst", "fed up", "sick of", "garbage", "joke",
      "unbelievable", "you people", "is a disaster", "what a disaster", "total disaster",
      "waste of time", "wasting my", "incompetent", "shameful", "disgrace",
      "how you treat", "what the hell", "for god's sake", "ffs", "losing my patience",
      "out of patience", "enough is enough", "this is insane", "nonsense", "so done with",
      "i'm done with", "i am done with", "sick and tired", "guinea pig", "guinea pigs",
      "小白鼠", "are you kidding", "you must be kidding", "you've got to be kidding",
      "had it with", "had enough", "nobody cares", "no one cares", "what a joke", "到底行不行",
      "到底能不能", "到底有没有", "行不行啊", "烦死", "烦人", "失望")),
    # name-calling aimed at the people who answer: "you clowns", 一帮废物
    ("insult", 0.4,
     ("废物", "白痴", "蠢货", "饭桶", "脑残", "智障", "弱智", "蠢猪", "一帮废"),
     ("clowns", "you clown", "idiots", "you idiot", "morons", "you moron", "imbeciles",
      "bunch of amateurs", "numpties", "muppets", "clueless", "amateurs")),
    ("urgency", 0.25,
     # pressing for speed, not describing it ("马上释放": released at once) or where it
     # runs ("生产环境"); a system that is down is an outage (complexity), not a mood
     ("紧急", "急死", "请马上", "马上处理", "马上解决", "马上帮", "需要马上", "必须马上", "请立刻",
      "立刻处理", "立刻解决", "尽快", "十万火急", "赶紧", "全部宕机", "每分钟都在损失"),
     ("urgent", "asap", "immediately", "right now", "emergency", "critical", "production is down",
      "as soon as possible", "costing us", "losing money", "per hour", "every minute")),
    ("threat to leave or complain", 0.4,
     ("投诉", "退款", "退货", "起诉", "律师", "曝光", "换别家", "不再使用", "12315", "消协",
      "迁回", "不续约", "别想续", "不会续", "不再续", "解约", "终止合作", "终止合同", "换供应商",
      "换一家", "再也不用", "不会再用"),
     ("refund", "cancel my", "lawyer", "sue", "complaint", "switching to", "never again",
      "escalate this", "cancel the contract", "cancel our contract", "not renew", "won't renew",
      "will not renew", "switch back to", "move back to", "migrate back", "going back to",
      "take our business elsewhere", "another vendor", "cancel our subscription")),
    # despair and pressure on the person: begging, panic, fear for their job
    ("desperation", 0.4,
     ("被开除", "丢饭碗", "丢工作", "求求", "救救", "完了完了", "要疯了", "我要崩溃", "我快崩溃",
      "真的要崩溃", "绝望", "走投无路", "我完了", "真的完了", "开了我", "炒了我", "炒我鱿鱼",
      "饭碗不保", "一夜没睡", "睡不着", "很崩溃", "我崩溃", "我都崩溃", "人都崩溃", "心态崩"),
     ("panicking", "in a panic", "lose my job", "losing my job", "get fired", "be fired",
      "begging", "desperate", "please please", "screaming at me", "killing me",
      "wits' end", "wits end", "shaking", "company is done", "we're finished", "i'm finished",
      "job is on the line", "at stake", "beg you")),
    ("frustration", 0.3,
     ("还是不行", "又不行", "又出错", "一直不行", "多少次", "第三次", "还没解决", "没人管", "等了"),
     # about being let down, not a symptom: "it doesn't work", "keeps failing" open most
     # requests (a fix that still fails is an unresolved turn, judged apart)
     ("still not", "still broken", "again and again", "third time", "how many times",
      "nobody", "no one", "still waiting", "frustrated", "frustrating", "frustration")),
)  # fmt: skip

# Sarcasm: a pleased phrase in a message that also complains.
_PLEASED = (
    "太好了", "真棒", "真行", "厉害了", "谢谢你们", "呵呵",
    "great", "wonderful", "thanks a lot", "just perfect", "love it", "awesome", "brilliant",
    "fantastic", "genius", "bravo", "well done",
)  # fmt: skip

# English polarity words (the Chinese model has not seen English).
_POSITIVE_EN = frozenset((
    "thanks", "thank", "great", "good", "works", "working", "fixed", "solved", "resolved",
    "perfect", "helpful", "excellent", "awesome", "appreciate", "love", "nice", "happy",
    "glad", "fast", "easy",
))  # fmt: skip
_NEGATIVE_EN = frozenset((
    "not", "no", "broken", "fail", "fails", "failed", "failing", "error", "errors", "crash",
    "crashes", "crashed", "slow", "wrong", "bad", "worse", "worst", "problem", "issue", "bug",
    "stuck", "lost", "cannot", "can't", "won't", "doesn't", "isn't", "unable", "hate",
    "annoying", "disappointed", "frustrated", "frustrating",
    # judgements of the product or the help (a review corpus's negatives, in English)
    "useless", "pathetic", "terrible", "awful", "horrible", "garbage", "trash", "nonsense",
    "ridiculous", "unacceptable", "hopeless", "worthless", "incompetent", "disaster",
    "furious", "angry", "annoyed", "upset", "disgusting", "shameful", "clueless", "joke",
))  # fmt: skip


@dataclass(frozen=True)
class Emotion:
    score: float  # -1 (very negative) .. 1 (very positive)
    polarity: float  # the polarity alone, -1 .. 1
    reasons: list[str] = field(default_factory=list)


class PolarityModel:
    """The shipped Chinese polarity model (see the module's note)."""

    def __init__(self, path: Path = MODEL_FILE) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        self.ngram_max = int(data["ngram_max"])
        self.intercept = float(data["intercept"])
        self.weights: dict[str, tuple[float, float]] = {
            g: (float(w), float(idf)) for g, w, idf in data["features"]
        }
        self.trained_on = str(data.get("trained_on", ""))

    def probability(self, text: str) -> float:
        """P(positive) for ``text``."""
        # As the training vectoriser: lower case, whitespace runs as one space.
        t = " ".join(text.lower().split())
        counts: Counter[str] = Counter(
            t[i : i + n] for n in range(1, self.ngram_max + 1) for i in range(len(t) - n + 1)
        )
        dot, norm = 0.0, 0.0
        for gram, c in counts.items():
            known = self.weights.get(gram)
            if known is None:
                continue
            value = (1.0 + math.log(c)) * known[1]
            dot += value * known[0]
            norm += value * value
        z = self.intercept + (dot / math.sqrt(norm) if norm > 0 else 0.0)
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def model() -> PolarityModel:
    return PolarityModel()


# A pleased word right after one of these is meant the other way: "nothing works".
_NEGATORS = frozenset(("not", "no", "nothing", "never", "none", "isn't", "doesn't", "didn't",
                       "don't", "wasn't", "hardly"))  # fmt: skip


def _english_polarity(text: str) -> float:
    words = _WORD.findall(text.lower())
    pos = neg = 0
    for i, w in enumerate(words):
        flipped = i > 0 and words[i - 1] in _NEGATORS
        if w in _POSITIVE_EN:
            pos, neg = (pos, neg + 1) if flipped else (pos + 1, neg)
        elif w in _NEGATIVE_EN and not (flipped and w in _NEGATORS):
            neg += 1
    if pos + neg == 0:
        return 0.0
    return (pos - neg) / (pos + neg + 1)


def polarity(text: str) -> float:
    """-1 .. 1: the Chinese model where the text is mostly Chinese, else the
    English word lists; a text with neither is neutral (0)."""
    cjk = len(_CJK.findall(text))
    if cjk and cjk >= 0.3 * len(text.replace(" ", "")):
        return 2.0 * model().probability(text) - 1.0
    return _english_polarity(text)


# A sign the customer denies ("不是投诉", "not urgent", "no complaint") is no sign.
_ZH_DENIED = re.compile(r"(不是|并不|并非|不算|没有|没|不|无|别|非)\s*$")
_EN_DENIED = re.compile(
    r"\b(not|no|never|isn't|wasn't|aren't|don't)\s+(a\s+|an\s+|any\s+|really\s+)?$"
)
# A hedge makes a sign mild ("kinda urgent", 有点烦), and mild annoyance is not
# the anger a person must take over for: a hedged sign is not counted.
_ZH_HEDGED = re.compile(r"(有点|有一点|有些|有一些|稍微|稍稍|略微|略|小小)\s*$")
_EN_HEDGED = re.compile(
    r"\b(kinda|kind\s+of|sort\s+of|sorta|a\s+bit|a\s+little(\s+bit)?|slightly|somewhat|mildly)\s+$"
)
# Words in quotation marks are someone's words reported (a boss's outburst, a
# client's email) or an error message pasted in, not the customer's own mood.
# An apostrophe between letters ("yesterday's") stays inside an English quote.
_QUOTED = re.compile(
    r"“[^”]{2,}”|「[^」]{2,}」|『[^』]{2,}』|\"[^\"]{2,}\""
    r"|(?<![A-Za-z])'(?:[^'\n]|(?<=[A-Za-z])'(?=[A-Za-z])){2,}'(?![A-Za-z])"
)


def unquoted(text: str) -> str:
    """``text`` with quoted passages blanked out."""
    return _QUOTED.sub(" ", text)


def _said(text: str, low: str, phrases: Sequence[str]) -> list[str]:
    found = []
    for p in phrases:
        if _CJK.search(p) or not p.isascii():
            at = [m.start() for m in re.finditer(re.escape(p), text)]
            if any(
                not _ZH_DENIED.search(text, max(0, i - 3), i)
                and not _ZH_HEDGED.search(text, max(0, i - 3), i)
                for i in at
            ):
                found.append(p)
        elif any(
            not _EN_DENIED.search(low, max(0, m.start() - 16), m.start())
            and not _EN_HEDGED.search(low, max(0, m.start() - 16), m.start())
            for m in re.finditer(r"(?<![a-z])" + re.escape(p) + r"(?![a-z])", low)
        ):
            found.append(p)
    return found


def emotion(text: str, earlier: Sequence[str] = ()) -> Emotion:
    """The emotion of one message; ``earlier`` are the same customer's previous
    messages in the conversation (a repeated one is a sign of frustration)."""
    text = text.strip()
    if not text:
        return Emotion(0.0, 0.0, [])
    own = unquoted(text)
    low = own.lower()
    pol = polarity(own)
    reasons: list[str] = []
    pull = 0.0
    for sign, weight, zh, en in _SIGNS:
        hits = _said(own, low, zh) + _said(own, low, en)
        if hits:
            pull += weight
            reasons.append(f"{sign}: {', '.join(hits[:3])}")
    if _BANG.search(own):
        pull += 0.15
        reasons.append("repeated ! or ?")
    caps = sum(map(len, _CAPS.findall(own)))
    letters = sum(c.isascii() and c.isalpha() for c in own)
    # Chinese has no capitals: in a message written in it, capital words are the
    # names of commands and constants (ALTER TABLE, BUSY), not shouting.
    if caps and caps >= max(8.0, 0.3 * letters) and not _CJK.search(own):
        pull += 0.2
        reasons.append("shouting in capitals")
    norm = " ".join(text.lower().split())
    if any(norm and norm == " ".join(e.lower().split()) for e in earlier):
        pull += 0.3
        reasons.append("repeats an earlier message")
    complaint = pull > 0 or pol < -0.2
    # Scare quotes around a pleased word ("your 'great' fix") are sarcasm too.
    pleased = _said(text, text.lower(), _PLEASED)
    if pleased and complaint:
        pull += 0.3
        pol = min(pol, 0.0)  # the pleased words are not meant
        reasons.append(f"sarcasm: {pleased[0]} in a complaint")
    if pol < -0.2:
        reasons.insert(0, f"negative wording ({pol:.2f})")
    elif pol > 0.2 and not pull:
        reasons.insert(0, f"positive wording ({pol:.2f})")
    score = max(-1.0, min(1.0, pol - pull if pull else pol))
    return Emotion(round(score, 3), round(pol, 3), reasons)
