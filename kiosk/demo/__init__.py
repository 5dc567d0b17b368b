"""The headless demo: every simulator, the real UI, scripted citizen journeys (no Kivy here).

``environment`` starts the simulator suite and derives the terminal's configuration from
it; ``script`` is the small vocabulary of demo steps (tap, type, wait, simulator action,
screenshot, check); ``journeys`` is the scripted set of journeys as data; ``summary`` keeps
what happened and writes summary.json. The Kivy side that executes the steps with real
touch events is ``screens.robot``; ``kiosk.cli_demo`` ties it together.
"""
