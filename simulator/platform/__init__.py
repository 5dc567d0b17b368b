"""The provincial platform simulator: a real HTTP server with the high-frequency item APIs.

Start it in-process with :class:`simulator.platform.server.PlatformServer` or standalone
with ``python -m simulator platform``. See docs/platform.md.
"""
