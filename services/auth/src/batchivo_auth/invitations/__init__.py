"""Membership by invitation: an admin invites an email with a role; the person accepts or declines."""
