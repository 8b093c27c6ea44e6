"""The page (list + form) and the JSON endpoint; every answer names the host that served it."""
import json
import socket

from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import Item

HOST = socket.gethostname()


def _add(text):
    text = text.strip()
    if not text or len(text) > 200:
        return None
    return Item.objects.create(text=text, host=HOST)


@require_http_methods(["GET", "POST"])
def index(request):
    if request.method == "POST":
        _add(request.POST.get("text", ""))
        return redirect("index")
    response = render(request, "notes/index.html", {"host": HOST, "items": Item.objects.all()})
    response["X-Served-By"] = HOST
    return response


@csrf_exempt  # a JSON API for scripts and tests; the HTML form keeps CSRF protection
@require_http_methods(["GET", "POST"])
def api_items(request):
    """GET: {"host", "items"}. POST {"text": "..."} (JSON or form): adds an item, 201."""
    if request.method == "POST":
        if request.content_type == "application/json":
            try:
                text = json.loads(request.body or b"{}").get("text", "")
            except (ValueError, AttributeError):
                return HttpResponseBadRequest('send a JSON object like {"text": "buy milk"}')
        else:
            text = request.POST.get("text", "")
        item = _add(str(text))
        if item is None:
            return HttpResponseBadRequest("text must be 1 to 200 characters")
        return JsonResponse({"host": HOST, "item": item.as_dict()}, status=201)
    return JsonResponse({"host": HOST, "items": [i.as_dict() for i in Item.objects.all()]})


def healthz(request):
    """The deployment's check: the app runs and its database answers."""
    return JsonResponse({"host": HOST, "items": Item.objects.count()})
