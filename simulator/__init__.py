"""Device simulators (byte-for-byte protocols over pty/TCP) and the platform simulator.

Nothing here imports Kivy. ``python -m simulator <kind> …`` runs one standalone.
"""
