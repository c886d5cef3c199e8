"""Reporting: the Report that owns the exit code, and every output format.

Text, JSON, GitHub, Markdown and the CI views built from a Report or a gate result.

May import: gate, apply, plan, render, describe, settings.
"""
