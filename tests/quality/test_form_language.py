"""The signature form's verdict choices read in the reader's language: they were formatted when the module
was imported, so every reader saw "Accept against Ac/Re (needs a manager's approval)" in English."""

from django.utils import translation

from quality.forms import ConfirmForm


def verdict_labels():
    return [str(label) for _value, label in ConfirmForm().fields["forced_verdict"].choices]


def test_verdict_choices_follow_the_readers_language():
    with translation.override("zh-hans"):
        chinese = verdict_labels()
    with translation.override("en"):
        english = verdict_labels()
    assert chinese == ["按 Ac/Re 判定", "接收，与 Ac/Re 相反（需要经理批准）", "拒收，与 Ac/Re 相反（需要经理批准）"]
    assert english == ["As Ac/Re decide", "Accept against Ac/Re (needs a manager's approval)",
                       "Reject against Ac/Re (needs a manager's approval)"]
