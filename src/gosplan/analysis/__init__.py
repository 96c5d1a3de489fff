"""Workflows: what a command does, from files in to results out."""
