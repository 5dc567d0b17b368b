"""Receipt printer: ESC/POS driver for Chinese receipts.

* :mod:`.transports` opens a printer line by URL (serial, ``tcp://host:9100``, ``usb://VID:PID``,
  a device file such as ``/dev/usb/lp0``);
* :mod:`.encoding` turns text and commands into ESC/POS bytes (Chinese mode, GB18030 2-byte
  only, width-aware wrapping);
* :mod:`.document` is the receipt model, :mod:`.render` turns it into bytes,
  :mod:`.templates` builds the four receipts the terminal prints;
* :mod:`.status` parses DLE EOT real-time status replies;
* :mod:`.driver` is :class:`~drivers.printer.driver.EscPosPrinter`, the device the kiosk uses.
"""
