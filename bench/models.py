from django.db import models


class CeilingRow(models.Model):
    """A trivial model: the ceiling page renders 50 of these."""

    name = models.CharField(max_length=64)
    value = models.IntegerField()

    def __str__(self) -> str:
        return self.name
