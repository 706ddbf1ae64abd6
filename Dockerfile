FROM python:3.11-slim
WORKDIR /app
# Pinned, hash-checked dependencies first (requirements/compile.sh regenerates the lock), so
# a tampered or substituted package fails the build; then the hub itself, without resolving.
COPY requirements/deploy.lock requirements/deploy.lock
RUN pip install --no-cache-dir --require-hashes -r requirements/deploy.lock
COPY . .
RUN pip install --no-cache-dir --no-deps --no-build-isolation .
USER nobody
