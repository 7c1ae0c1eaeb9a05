"""The service management system view: coverage, registers, review calendar, socialisation dashboard."""
