"""Text layout helpers without Kivy (kiosk/text): the Chinese line breaker."""

from kiosk.text.linebreak import bind_enumerators, break_lines, em_width, wrap

#: terms the terminal's texts use that a line must not split
TERMS = ("二维码", "身份证", "扫码口", "受理编号", "受理凭证")

__all__ = ["TERMS", "bind_enumerators", "break_lines", "em_width", "wrap"]
