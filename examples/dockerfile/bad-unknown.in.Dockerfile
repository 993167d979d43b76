FROM debian:bookworm-slim
RUN echo ok
COPPY app /app
