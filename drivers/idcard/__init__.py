"""Resident ID-card reader (SAM protocol): codec, commands, record, driver and poller.

The public surface: :class:`~drivers.idcard.reader.SamIdCardReader` (config type
``"sam"``), :class:`~drivers.idcard.poller.CardPoller`,
:class:`~drivers.idcard.record.IdCardRecord` and the photo-decoder plug-in point
:class:`~drivers.idcard.photo.PhotoDecoder`.
"""
