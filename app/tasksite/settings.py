"""Settings of the tasks site.

Everything that differs between hosts or must stay secret (database, secret key, allowed
hosts, static root) comes from an INI file outside the code, written by the deployment
(playbooks/roles/django): $TASKS_CONFIG, default /etc/tasks/tasks.ini. Without that file
the site uses SQLite in the working directory, for trying it out by hand.
"""
import configparser
import os

config = configparser.ConfigParser(interpolation=None)  # passwords may hold %
config.read(os.environ.get("TASKS_CONFIG", "/etc/tasks/tasks.ini"))
site = config["site"] if config.has_section("site") else {}
db = config["database"] if config.has_section("database") else None

SECRET_KEY = site.get("secret_key", "insecure-development-key")
DEBUG = site.get("debug", "false").lower() == "true"
ALLOWED_HOSTS = site.get("allowed_hosts", "*").split()

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "notes",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
ROOT_URLCONF = "tasksite.urls"
WSGI_APPLICATION = "tasksite.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

if db is not None:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": db.get("host"),
            "PORT": db.get("port", "5432"),
            "NAME": db.get("name"),
            "USER": db.get("user"),
            "PASSWORD": db.get("password"),
            "CONN_MAX_AGE": 60,
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "tasks.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "/static/"
STATIC_ROOT = site.get("static_root", "static")
