"""Login and logout, accounts (beheerder only), the audit log, and the refusal pages."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from studio.audit import record
from studio.models import AuditEntry
from studio.roles import BEHEERDER, REDACTEUR, ROLE_LABELS, beheerder_required, role_of, role_required, set_role


class StudioLoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Deze combinatie van gebruikersnaam en wachtwoord klopt niet. Let op hoofdletters.",
        "inactive": "Dit account is uitgeschakeld. Vraag een beheerder om hulp.",
    }


@login_not_required
def login(request: HttpRequest) -> HttpResponse:
    return LoginView.as_view(template_name="studio/login.html", authentication_form=StudioLoginForm,
                             redirect_authenticated_user=True)(request)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "studio/refused.html", {
        "title": "Formulier geweigerd",
        "text": "Dit formulier is geweigerd, omdat de beveiligingscode ontbrak of verlopen was. "
                "Ga terug, laad de pagina opnieuw en probeer het nog een keer."}, status=403)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "studio/refused.html", {
        "title": "Geen toegang",
        "text": str(exception) if exception and str(exception) else "U mag deze pagina niet gebruiken."},
        status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "studio/refused.html", {
        "title": "Niet gevonden", "text": "Deze pagina bestaat niet (meer)."}, status=404)


class NewAccountForm(forms.Form):
    username = forms.RegexField(label="Gebruikersnaam", max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": "Gebruik alleen letters, cijfers en . @ + - _"})
    password = forms.CharField(label="Wachtwoord (minstens 12 tekens)", widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), strip=False)
    role = forms.ChoiceField(label="Rol", choices=[(REDACTEUR, ROLE_LABELS[REDACTEUR]),
                                                   (BEHEERDER, ROLE_LABELS[BEHEERDER])])

    def clean_username(self) -> str:
        name = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=name).exists():
            raise ValidationError("Er is al een account met deze naam.")
        return name

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password") and data.get("username"):
            try:
                validate_password(data["password"], get_user_model()(username=data["username"]))
            except ValidationError as e:
                self.add_error("password", e)
        return data


@beheerder_required
def accounts(request: HttpRequest) -> HttpResponse:
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = get_user_model()(username=form.cleaned_data["username"])
        user.set_password(form.cleaned_data["password"])
        user.save()
        set_role(user, form.cleaned_data["role"])
        record(request.user, "account", user.username, f"aangemaakt als {form.cleaned_data['role']}")
        messages.success(request, f"Het account '{user.username}' is aangemaakt.")
        return redirect("studio:accounts")
    users = [(u, ROLE_LABELS.get(role_of(u), "geen rol")) for u in get_user_model().objects.order_by("username")]
    return render(request, "studio/accounts.html", {"form": form, "users": users})


@require_POST
@beheerder_required
def account_toggle(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=user_id)
    if user == request.user:
        messages.error(request, "U kunt uw eigen account niet uitschakelen.")
        return redirect("studio:accounts")
    user.is_active = not user.is_active
    user.save(update_fields=["is_active"])
    record(request.user, "account", user.username, "ingeschakeld" if user.is_active else "uitgeschakeld")
    state = "ingeschakeld" if user.is_active else "uitgeschakeld"
    messages.success(request, f"Het account '{user.username}' is {state}.")
    return redirect("studio:accounts")


@role_required
def audit_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(AuditEntry.objects.all(), 50).get_page(request.GET.get("pagina"))
    return render(request, "studio/audit.html", {"page": page})


class NewPasswordForm(forms.Form):
    password = forms.CharField(label="Nieuw wachtwoord (minstens 12 tekens)", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, user: object, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password, self.user)
        return password


@beheerder_required
def account_password(request: HttpRequest, user_id: int) -> HttpResponse:
    """A beheerder gives an account a new password (and lifts a login lock)."""
    from axes.utils import reset as reset_login_attempts

    user = get_object_or_404(get_user_model(), pk=user_id)
    form = NewPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user.set_password(form.cleaned_data["password"])
        user.save(update_fields=["password"])
        reset_login_attempts(username=user.username)
        record(request.user, "account", user.username, "nieuw wachtwoord gegeven")
        messages.success(request, f"'{user.username}' heeft een nieuw wachtwoord.")
        return redirect("studio:accounts")
    return render(request, "studio/account_password.html", {"form": form, "account": user})
