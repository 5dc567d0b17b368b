"""Serial QR scanner simulator: vendor command parsing and the scanner behind a SerialLink."""
