"""How reminders leave Lindung: a small pluggable interface, with console and e-mail backends.

A sender has one method, ``send(user, subject, body)``. ``LINDUNG_REMINDER_SENDER`` names it: ``console``
(the default: printed, for an office that prints or copies the list into its own messaging) or ``email``
(Django's mail settings: ``EMAIL_HOST`` …, to the user's e-mail address). An SMS or WhatsApp gateway is a
deployment choice: a class with the same method, named by its dotted path in the setting — none is
shipped, since Lindung must run without a network.
"""

import sys

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class ConsoleSender:
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, user, subject: str, body: str) -> None:
        self.stream.write(f"== {user.username} — {subject}\n{body}\n\n")


class EmailSender:
    def send(self, user, subject: str, body: str) -> None:
        if user.email:
            send_mail(subject, body, None, [user.email])


SENDERS = {"console": ConsoleSender, "email": EmailSender}


def get_sender(name: str | None = None):
    name = name or getattr(settings, "LINDUNG_REMINDER_SENDER", "console")
    return (SENDERS.get(name) or import_string(name))()
