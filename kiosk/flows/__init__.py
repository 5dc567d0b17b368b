"""Citizen journeys without Kivy: one state machine per flow kind, driven by catalog facts.

``steps`` says which steps each flow kind (guide, query, certificate, application,
appointment, progress) goes through; ``journey.Journey`` runs one item's flow for a
session, calling the platform, the outbox and the printer through ``ports.FlowPorts``;
``evaluation`` holds the 好差评 levels. Screens render ``Journey.step`` and ``Journey.result``
and send intents (methods); they never call the platform themselves.
"""
