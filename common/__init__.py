"""The neutral base every layer may import: the event bus, the plug-in CLI, personal-data masking.

Nothing here knows about devices, citizens, the platform or Kivy; it imports only the
standard library.
"""
