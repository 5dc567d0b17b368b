"""Application core of the e办通 terminal (no Kivy here).

Composition root, event bus, sessions and privacy, flows, platform client and local store,
voice, i18n, telemetry agent and the CLI (``python -m kiosk``).
"""
