"""Device layer of the e办通 terminal.

Contracts shared by every device (``drivers.base``), the exception tree
(``drivers.errors``), URL transports (``drivers.transport``), the config-type registry
(``drivers.registry``) and one module per driver. Nothing here imports Kivy.
"""
