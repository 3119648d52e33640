import os

from django.core.asgi import get_asgi_application

from trainer.startup import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainer.settings")
require_secret_key()
application = get_asgi_application()
