from django.db import models


class Item(models.Model):
    """One entry of the shared tasks/notes list, with the app host that stored it."""

    text = models.CharField(max_length=200)
    host = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]

    def as_dict(self):
        return {"id": self.id, "text": self.text, "host": self.host, "created": self.created.isoformat()}
