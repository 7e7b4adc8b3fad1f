"""The stakeholder directory (P10, P11, W3), public subscriptions and the notices sent to both."""
