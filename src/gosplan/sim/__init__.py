"""The simulator of the economy the plan commands, year by year (DESIGN.md §4)."""
