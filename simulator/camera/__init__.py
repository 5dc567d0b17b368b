"""Synthetic camera: QR codes rendered into realistic frames, a face frame, a frame server."""
