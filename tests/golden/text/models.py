"""Text from the models that must not break or inject into the generated file."""

from tortoise import fields, models


class Note(models.Model):
    """A note with 'quotes', "double quotes", \\backslashes\\ and ünïcödé."""

    id = fields.IntField(primary_key=True)
    quoted = fields.CharField(max_length=50, default='say "hi"', description="it's \"quoted\"")
    both = fields.CharField(max_length=50, default="it's \"both\"")
    slashes = fields.CharField(max_length=50, default="C:\\temp\\new", description="a\\b")
    lines = fields.TextField(description='line one\nline two\n"""triple"""\n\tand a tab')
    injection = fields.CharField(
        max_length=99, default='")\nimport os\nos.system("echo pwned")  # ', null=True
    )
    unicode = fields.CharField(max_length=20, default="naïve café ☕ 日本", description="🙂 ok")
    control = fields.CharField(max_length=20, default="bell\x07nul\x00del\x7f")
    #: Documented with a comment: ``#:`` docstrings become descriptions.
    documented = fields.IntField(default=-1)
    flt = fields.FloatField(default=1e-20)
    big = fields.FloatField(default=1.5e300)
