"""One run end to end.

settings -> load -> describe -> render -> plan -> apply -> a Report.

May import: every stage above in this list: report, gate, apply, plan, render,
load, describe, missing, settings.
"""
