# syntax=docker/dockerfile:1
# Build stage: dependencies into a virtualenv, translations compiled. Nothing from here but /venv and the
# compiled catalogues reaches the final image.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
# The venv gets no pip of its own: the build stage's pip installs into it, so none is left in the final image.
RUN python -m venv --without-pip /venv
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
RUN pip --python /venv/bin/python install --no-cache-dir . \
    && pip --python /venv/bin/python uninstall --yes relocation-bot
COPY locales ./locales
RUN /venv/bin/pybabel compile -d locales

# Final stage: the interpreter, the dependencies, the code and the content. No compiler, no pip, not root.
FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////data/bot.db \
    CONTENT_DIR=/app/content
RUN python -m pip uninstall --yes --no-cache-dir pip setuptools wheel \
    && groupadd --system --gid 10001 bot \
    && useradd --system --uid 10001 --gid bot --home-dir /app --shell /usr/sbin/nologin bot \
    && mkdir -p /data && chown bot:bot /data
WORKDIR /app
# Code and content belong to root and are read-only for the bot; only /data is writable.
COPY --from=build /venv /venv
COPY bot ./bot
COPY handlers ./handlers
COPY content ./content
COPY --from=build /src/locales ./locales
USER 10001:10001
VOLUME ["/data"]
# Webhook mode (`run --webhook`) listens here; a reverse proxy in front of it terminates HTTPS.
EXPOSE 8080
# Webhook mode: the bot's own /healthz (server up, database answering). Polling mode: the database on the
# volume opens and answers a query, which is harmless to the running bot.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["python", "-m", "bot", "healthcheck"]
# SIGTERM (docker stop) finishes the updates in flight and closes the database; give it time (compose:
# stop_grace_period) before the SIGKILL.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
