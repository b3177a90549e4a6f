"""The conversations, independent of any transport.

Adapters (Telegram libraries, the terminal chat, the web preview) turn what they
receive into an `Event` (`flows.events`), hand it to the `ConversationEngine`
(`flows.engine`, built by `flows.app.build_engine`) and show the replies it
returns with `flows.render`.
"""
