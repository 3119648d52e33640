import os

from django.core.wsgi import get_wsgi_application

from trainer.startup import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainer.settings")
require_secret_key()
application = get_wsgi_application()
