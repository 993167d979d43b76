from debian:bookworm-slim
run apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
user 10001:10001
copy app /app
healthcheck none
cmd ["/app"]
