"""What the terminal prints for citizens: receipt and slip content, and sample receipts.

The device layer (drivers/printer) knows how to encode a :class:`Document`; what goes on a
citizen's receipt, and the QR payload formats on it, belong to the terminal's core.
"""
