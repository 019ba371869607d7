"""fakeprofile: tell fake and spammer profiles from real ones and screen the invitations they send."""

__version__ = "0.1.0"
