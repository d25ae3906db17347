"""Events: follow-up meetings, webinars and trainings, with RSVPs, waitlists, reminders and calendars."""
