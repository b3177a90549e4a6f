"""The bot's front ends: the Telegram adapters, the terminal chat and the command line."""
