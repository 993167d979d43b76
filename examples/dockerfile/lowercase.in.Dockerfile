from debian:bookworm-slim
run apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
add app /app
healthcheck none
cmd ["/app"]
