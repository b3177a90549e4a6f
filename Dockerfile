# Passerelle: the bot and the staff panel share this image.
# Build: docker build -t passerelle .   Run the schema migrations first:
#   docker run --rm -e DATABASE_URL=... passerelle python -m bot migrate

# --- builder: install the package and its dependencies, compile the catalogues
FROM python:3.11-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN python -m venv /opt/venv
COPY . .
# Editable, so the code stays in /app next to locales/ and var/, at the same
# path in the runtime image.
RUN /opt/venv/bin/pip install -e . \
    && /opt/venv/bin/pybabel compile -d locales -D messages

# --- runtime: the virtualenv and the code, run by an unprivileged user
FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN useradd --system --create-home --uid 10001 --user-group passerelle

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
# var/ holds the SQLite database when DATABASE_URL is left at its default.
RUN mkdir -p /app/var && chown passerelle:passerelle /app/var

USER passerelle
VOLUME ["/app/var"]
# 8080: the bot's webhook (BOT_MODE=webhook); 8000: the staff panel.
EXPOSE 8080 8000

CMD ["python", "-m", "bot", "run"]
