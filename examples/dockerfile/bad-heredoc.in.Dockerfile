FROM debian:bookworm-slim
RUN <<EOF
echo never ends
