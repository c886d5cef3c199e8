"""Long lines: how a Field(...) call is split, at the project's line length."""

from tortoise import fields, models


class VeryLongModelNameForTestingTheWrapping(models.Model):
    id = fields.IntField(primary_key=True)
    a_rather_long_field_name_for_wrapping = fields.CharField(
        max_length=255, description="A description that is long enough to need a wrap."
    )
    fits_when_hugged = fields.DecimalField(max_digits=12, decimal_places=4, null=True)
    single_long_argument = fields.TextField(
        description="This description alone is far too long to fit on a single line even when it is moved onto its own line."
    )
    multiple_long_arguments = fields.CharField(
        max_length=100,
        description="This description alone is far too long to fit on a single line even when it is moved onto its own line.",
        default="and a default value that is also rather long, so nothing fits on one line",
    )
