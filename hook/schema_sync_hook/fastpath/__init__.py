"""The fast paths that answer an unchanged project without regenerating.

``quick``: the size+mtime record read before anything heavy is imported;
``cache``: the content hashes of every input of the last in-sync run.

May import: pipeline and every stage below it (lazily, for start-up speed).
"""
