"""Camera: one frame-grabbing owner shared by QR decoding and face capture, and QR decoders."""
