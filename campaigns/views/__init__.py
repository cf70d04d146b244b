"""The campaigns app's pages, one module per part (the lead's main pages; summary.py: the 总结)."""
