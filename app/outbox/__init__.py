"""The durable mail outbox: mail is written in the same transaction as the change it reports, and a
worker sends it, so a failed SMTP server delays mail but loses none."""
