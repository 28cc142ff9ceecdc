from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation


class RefuseNulMiddleware:
    """Answer 400 to a request whose path or query string holds a NUL character.

    PostgreSQL refuses NUL in any text value, so a NUL that reaches a query (a search, an admin
    filter, a lookup by a text field) fails the request with a 500; SQLite takes it silently.
    Forms already refuse it (Django's form fields validate against NUL), but many values are read
    directly: every search box, the admin's filters and search. No one can type a NUL into a page
    or a link of this site, so only a broken client or a probe sends one. Refusing it here, once,
    covers every view present and future; stripping it instead would silently answer a different
    question than the one asked. Request bodies are left to the forms that read them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the URL")
        return self.get_response(request)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose English (the footer's switch, kept in a cookie).

    Django's own middleware would follow the browser's Accept-Language, and many office machines
    in Vietnam run an English system: their civil servants would get an English product they never
    asked for. The committee's language is the default; a choice, once made, is kept.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class BodyLimitMiddleware:
    """Answer 413 to a request whose declared body is larger than ``CHIDAO_REQUEST_MAX_MB``,
    before a byte of it is read.

    Django keeps uploaded files on disk past 2.5 MB, so a large body costs disk and time, not
    memory; refusing it by its ``Content-Length`` costs neither. A body without a length
    (chunked) is read by Django as empty. The reverse proxy should refuse the same size first
    (nginx: ``client_max_body_size``), as the README says.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.CHIDAO_REQUEST_MAX_MB * 1024 * 1024
        if declared > limit:
            return render(
                request, "413.html", {"max_mb": settings.CHIDAO_REQUEST_MAX_MB}, status=413
            )
        return self.get_response(request)
