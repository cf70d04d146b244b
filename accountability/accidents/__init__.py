"""生产安全事故: levels and clocks (levels.py), the registry and investigation services, notices."""
