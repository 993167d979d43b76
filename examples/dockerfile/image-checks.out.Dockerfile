FROM ubuntu AS tools
RUN sudo apt-get install -y --no-install-recommends jq && rm -rf /var/lib/apt/lists/*
FROM nginx:latest
USER 101:101
COPY --from=tools /usr/bin/jq /usr/bin/jq
