"""Flask's signed-cookie session, made cheap for visitors who send no cookie.

Flask builds an itsdangerous signer on every request before it even looks for the cookie; most young
people send none, so the empty session is returned straight away (exactly what Flask returns then).
This keeps the page cache close to a bare Flask route.
"""
from flask.sessions import SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)
