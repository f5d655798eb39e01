"""Account pages in a real browser: the password strength hint, change password and two-factor set-up pass axe."""
import re

import pyotp
import pytest

from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def test_strength_hint_speaks_while_typing_and_page_passes_axe(browser):
    browser.goto("/register")
    hint = browser.page.locator("#password-strength")
    assert hint.get_attribute("aria-live") == "polite"
    browser.page.fill("input[name=password]", "short")
    assert "7 more characters" in hint.inner_text()
    browser.page.fill("input[name=password]", "password1234")
    assert "Easy to guess" in hint.inner_text()
    browser.page.fill("input[name=password]", "seven purple kettles sing")
    assert hint.inner_text() == "Strong."
    browser.assert_accessible()


def test_change_password_and_two_factor_set_up_in_a_browser(browser, demo_users):
    browser.sign_in("staff")
    browser.goto("/account/password")
    browser.page.fill("input[name=current]", PASSWORD)
    browser.page.fill("input[name=password]", "seven purple kettles sing")
    browser.page.fill("input[name=confirm]", "seven purple kettles sing")
    browser.assert_accessible()
    browser.page.click("main button[type=submit]")
    browser.page.wait_for_load_state()
    assert browser.page.url.endswith("/dashboard")
    browser.goto("/account/two-factor")
    browser.assert_accessible()
    secret = re.search(r"[A-Z2-7]{32}", browser.page.locator("code.secret-key").first.inner_text()).group(0)
    browser.page.fill("input[name=code]", pyotp.TOTP(secret).now())
    browser.page.click("main button[type=submit]")
    browser.page.wait_for_load_state()
    assert browser.page.locator("ul.recovery-codes li").count() == 10
    browser.assert_accessible()


def test_admin_two_factor_pages_pass_axe(app, browser, demo_users):
    import sqlalchemy as sa

    from livesafe.auth import twofactor
    from livesafe.auth.models import User
    from livesafe.extensions import db

    with app.app_context():
        staff = db.session.scalar(sa.select(User).where(User.email == "staff@example.org"))
        twofactor.enable(staff, pyotp.random_base32())
        db.session.commit()
        staff_id = staff.id
    browser.sign_in("admin")
    browser.goto("/admin/two-factor")
    browser.assert_accessible()
    browser.page.check("input[name=roles][value=staff]")
    browser.page.click("main button[type=submit]")
    browser.page.wait_for_load_state()
    assert browser.page.is_checked("input[name=roles][value=staff]")
    browser.assert_accessible()
    browser.goto(f"/admin/users/{staff_id}")
    browser.assert_accessible()
    browser.page.click("main button:has-text('Clear two-factor sign-in')")
    browser.page.wait_for_load_state()
    assert "Two-factor sign-in is cleared" in browser.page.content()
    browser.assert_accessible()
