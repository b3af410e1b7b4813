"""Moderation rules as plain functions and data: durations, targets, warning policy."""
