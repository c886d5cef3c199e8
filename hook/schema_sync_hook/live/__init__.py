"""The dev loop: the watcher, its worker process, and git-commit detection.

May import: fastpath, pipeline and every stage below them.
"""
