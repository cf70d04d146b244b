"""The campaigns app's views, one module per part (the lead's pages; exports in exports.py)."""
