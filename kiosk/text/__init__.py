"""Text layout helpers without Kivy (kiosk/text): the Chinese line breaker."""

from kiosk.text.linebreak import bind_enumerators, break_lines, em_width, wrap

__all__ = ["bind_enumerators", "break_lines", "em_width", "wrap"]
