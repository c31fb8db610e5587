"""Spreadsheet imports of persons (issue 11): runs, saved mappings, imported lines."""
