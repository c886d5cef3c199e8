"""Applying a plan: the one writer.

The project lock, backups, atomic files, and the transaction that re-reads, compares
and writes under the lock.

May import: plan, render, describe, settings.
"""
