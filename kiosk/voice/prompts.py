"""The fixed spoken prompts: one per screen, plus the recurring announcements.

Texts are message ids (Simplified Chinese) marked with ``N_`` so they land in the gettext
catalogs; the UI speaks ``translator(prompt_for(screen))``. :func:`prerender` renders every
fixed prompt in every language and rate ahead of time so the first use has no delay.
"""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.i18n import N_, Translator, speech_languages
from kiosk.voice.backends import RATES, SpeechBackend, SpeechError

#: screen name -> what is said when the screen appears
SCREEN_PROMPTS: dict[str, str] = {
    "attract": N_("您好，欢迎使用e办通自助终端。请触摸屏幕开始办事，老年朋友可以点击长辈版。"),
    "home": N_("请选择要办理的事项，也可以搜索事项名称或拼音首字母。"),
    "search": N_("请输入事项名称、拼音或拼音首字母，然后点击要办理的事项。"),
    "browse": N_("请按部门或生活事件选择事项。"),
    "guide": N_("这是办事指南。请确认所需材料，然后点击开始办理。"),
    "identify": N_("请把身份证放在读卡区，或者出示电子证照二维码。"),
    "commitment": N_("请阅读告知承诺书。确认符合条件并如实填报后，点击我已阅读并承诺。"),
    "face": N_("请正对摄像头，保持不动，正在进行人脸核验。"),
    "form": N_("请核对并填写信息，然后点击下一步。"),
    "query": N_("正在查询，请稍候。"),
    "result": N_("办理完成。请查看结果，需要时可以打印回执。"),
    "print": N_("正在打印，请稍候，并取走回执。"),
    "evaluate": N_("请为本次服务评价。非常满意、满意、基本满意、不满意或非常不满意。"),
    "progress": N_("请输入受理编号，或扫描受理凭证上的二维码查询办理进度。"),
    "map": N_("这是二十四小时自助服务点地图。点击服务点查看地址和可办事项。"),
    "appointment": N_("请选择预约的日期和时间段。"),
    "book": N_("请选择办理地点、日期和时段，然后点击确认预约。"),
    "pay_setup": N_("请输入处罚决定书编号，或者选择缴费档次，然后点击去缴费。"),
    "pay": N_("请用手机扫描屏幕上的二维码完成支付。本机不收取现金和银行卡。"),
    "settings": N_("这里可以切换长辈版、配色、语言和音量。"),
    "maintenance": N_("运维模式，请输入运维密码。"),
    "help": N_("正在为您联系现场工作人员，请稍候，结果会显示在屏幕上。"),
    "error": N_("抱歉，出现问题。请按提示重试，或联系工作人员。"),
    "goodbye": N_("感谢使用，您的信息已清除。请带好身份证和回执。"),
}

#: announcements that are not tied to one screen
ANNOUNCEMENTS: dict[str, str] = {
    "idle_warning": N_("您还在吗？如需继续办理，请点击继续。否则将返回首页并清除您的信息。"),
    "card_read": N_("身份证读取成功，请取回身份证。"),
    "card_failed": N_("没有读到身份证，请重新放置。"),
    "paper_out": N_("打印机缺纸，回执无法打印。请记下受理编号或扫码保存。"),
    "offline": N_("网络暂时不可用，您的申请已保存，联网后会自动提交。"),
    "elderly_on": N_("已切换到长辈版，文字更大，语音播报已开启。"),
    "elderly_off": N_("已切换到标准版。"),
    "case_number": N_("您的受理编号是"),
}


def prompt_for(screen: str) -> str:
    """The prompt (message id) for ``screen``; the generic "choose" prompt if unknown."""
    return SCREEN_PROMPTS.get(screen, SCREEN_PROMPTS["home"])


def fixed_prompts() -> list[str]:
    """Every fixed message id, screens first."""
    return [*SCREEN_PROMPTS.values(), *ANNOUNCEMENTS.values()]


def prerender(
    backend: SpeechBackend, languages: Iterable[str] = tuple(speech_languages()),
    rates: Iterable[str] = RATES,
) -> tuple[int, int]:
    """Render every fixed prompt for each language × rate into the cache.

    Returns (rendered_or_cached, failed)."""
    ok = failed = 0
    rates = tuple(rates)
    for language in languages:
        translate = Translator(language)
        for message in fixed_prompts():
            for rate in rates:
                try:
                    backend.render(translate(message), language=language, rate=rate)
                    ok += 1
                except SpeechError:
                    failed += 1
    return ok, failed
