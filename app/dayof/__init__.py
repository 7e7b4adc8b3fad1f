"""The day of the meeting: the sign-in desk, the meeting's course, the speaking queue and the public display."""
