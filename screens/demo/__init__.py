"""The headless demo: scripted citizen journeys driven by touch events and simulator
actions against the real UI, with screenshots, printed receipts and a summary.json."""
