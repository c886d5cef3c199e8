"""The breaking-change gate: what changed for clients since a git revision.

Generated classes parsed, compared field by field and classified as breaking,
compatible or accepted; the revision read with git.

May import: plan, render, describe, settings.
"""
