"""Kivy screens of the terminal: one .py and one .kv per screen, theme tokens, widgets.

The only package (besides the app class) that imports Kivy.
"""
