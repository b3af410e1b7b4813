# syntax=docker/dockerfile:1
# Build stage: dependencies into a virtualenv, translations compiled. Nothing from here but /venv and the
# compiled catalogues reaches the final image.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /venv
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
RUN /venv/bin/pip install --no-cache-dir . && /venv/bin/pip uninstall --yes relocation-bot
COPY locales ./locales
RUN /venv/bin/pybabel compile -d locales

FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////data/bot.db \
    CONTENT_DIR=/app/content
RUN groupadd --system --gid 10001 bot && useradd --system --uid 10001 --gid bot --home-dir /app --shell /usr/sbin/nologin bot \
    && mkdir -p /data && chown bot:bot /data
WORKDIR /app
COPY --from=build /venv /venv
COPY bot ./bot
COPY handlers ./handlers
COPY content ./content
COPY --from=build /src/locales ./locales
USER 10001:10001
VOLUME ["/data"]
CMD ["python", "-m", "bot", "run"]
