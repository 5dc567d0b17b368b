"""Fleet server for operators: heartbeats, alerts, remote commands, statistics, dashboard.

A separate deployable (``python -m fleet serve``); never imports Kivy.
"""
