"""Serial QR / barcode scanner modules: line framing, vendor profiles, de-duplication, driver."""
