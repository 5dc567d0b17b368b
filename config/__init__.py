"""TOML configuration files of the terminal (terminal.toml) and their loader in kiosk.config."""
