from django import forms

from courses.review.selectors import SESSION_CARDS


class SessionForm(forms.Form):
    """Where a session stands, carried in its address: how many cards have been answered, and
    the review to show feedback for."""

    answered = forms.IntegerField(min_value=0, max_value=SESSION_CARDS, required=False)
    last = forms.IntegerField(min_value=1, required=False)


class AnswerForm(forms.Form):
    """What comes with an answer besides the choices (posted as the quiz posts them)."""

    seen = forms.IntegerField(min_value=1, help_text="The card's reviews when it was shown.")
    answered = forms.IntegerField(min_value=0, max_value=SESSION_CARDS - 1)
