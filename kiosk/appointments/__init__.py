"""Booking an appointment at a service hall from the terminal."""
